"""One checkpoint (or anchor) per chain position: a unique index on (kind, seq).

The table is insert-only, so duplicates that two beat processes may already have written
cannot be removed: if there are any, the index covers only the rows after the newest of
them (every later checkpoint has a higher seq anyway, the head only moves forward).
"""

from django.db import migrations

INDEX = "audit_checkpoint_kind_seq_uniq"


def create_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(c.id) FROM audit_checkpoint c JOIN ("
            "  SELECT kind, seq FROM audit_checkpoint GROUP BY kind, seq HAVING count(*) > 1"
            ") d ON d.kind = c.kind AND d.seq = c.seq"
        )
        last_duplicate = cursor.fetchone()[0]
        where = f" WHERE id > {int(last_duplicate)}" if last_duplicate else ""
        cursor.execute(f"CREATE UNIQUE INDEX {INDEX} ON audit_checkpoint (kind, seq){where}")


def drop_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
