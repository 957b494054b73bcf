"""Seals the secrets stored in plain text before sealing existed."""

from django.db import migrations

from apps.webhooks.sealing import PREFIX, seal


def forwards(apps, schema_editor):
    Endpoint = apps.get_model("webhooks", "WebhookEndpoint")
    table = Endpoint._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret, previous_secret FROM {table}")  # noqa: S608
        for pk, secret, previous in cursor.fetchall():
            values = [v if not v or v.startswith(PREFIX) else seal(v) for v in (secret, previous)]
            cursor.execute(
                f"UPDATE {table} SET secret = %s, previous_secret = %s WHERE id = %s",  # noqa: S608
                [*values, pk],
            )


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0002_sealed_secrets")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
