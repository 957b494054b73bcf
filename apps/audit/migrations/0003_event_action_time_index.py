"""An index on (action, occurred_at) for the readers that look at one kind of event over a
recent window: the anomaly rules (deliveries, denials and exports of the last minutes or
days, apps.delivery.alerts) and the dashboard. On PostgreSQL it is a partitioned index,
so every monthly partition (and each one made later) has its own."""

from django.db import migrations

INDEX = "audit_event_action_time"


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_checkpoint_unique_kind_seq")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON audit_event (action, occurred_at)",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
