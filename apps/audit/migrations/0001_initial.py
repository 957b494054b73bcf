"""Audit tables. Unmanaged models: this migration owns the DDL.

PostgreSQL: audit_event and audit_seal are range-partitioned by month, triggers reject
UPDATE, DELETE and TRUNCATE on them and on audit_checkpoint, and an insert trigger queues
each new event for the sealer. SQLite (embedded default): plain tables, no triggers.
"""

from django.db import migrations, models

POSTGRES_FORWARD = r"""
CREATE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TABLE audit_event (
  id bigserial NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor_type varchar(16) NOT NULL,
  actor_id varchar(64) NOT NULL DEFAULT '',
  actor_label varchar(200) NOT NULL DEFAULT '',
  actor_org_id bigint NULL,
  actor_role varchar(32) NOT NULL DEFAULT '',
  action varchar(100) NOT NULL,
  target_type varchar(100) NOT NULL DEFAULT '',
  target_id varchar(64) NOT NULL DEFAULT '',
  target_org_id bigint NULL,
  outcome varchar(16) NOT NULL,
  reason text NOT NULL DEFAULT '',
  request_id varchar(64) NOT NULL DEFAULT '',
  ip varchar(45) NOT NULL DEFAULT '',
  user_agent varchar(300) NOT NULL DEFAULT '',
  retention varchar(16) NOT NULL,
  data text NOT NULL DEFAULT '{}',
  changes text NOT NULL DEFAULT '{}',
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX audit_event_target ON audit_event (target_type, target_id);
CREATE INDEX audit_event_actor_org ON audit_event (actor_org_id, id);
CREATE INDEX audit_event_target_org ON audit_event (target_org_id, id);

CREATE TABLE audit_seal (
  seq bigint NOT NULL,
  event_id bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  sealed_at timestamptz NOT NULL,
  PRIMARY KEY (seq, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX audit_seal_event ON audit_seal (event_id);

-- The sealer's work queue. Not part of the evidence: losing a row here leaves an event
-- unchained, which audit_verify reports.
CREATE TABLE audit_pending (
  event_id bigint PRIMARY KEY,
  occurred_at timestamptz NOT NULL
);

CREATE TABLE audit_checkpoint (
  id bigserial PRIMARY KEY,
  kind varchar(16) NOT NULL,
  seq bigint NOT NULL,
  hash bytea NOT NULL,
  created_at timestamptz NOT NULL,
  key_id varchar(64) NOT NULL,
  signature bytea NOT NULL
);
CREATE INDEX audit_checkpoint_seq ON audit_checkpoint (seq);

-- BEFORE rather than AFTER: same effect (the id is already assigned, and a failing insert
-- takes the queue row down with it) without the after-trigger queue, measurably cheaper.
CREATE FUNCTION audit_queue_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_pending (event_id, occurred_at) VALUES (NEW.id, NEW.occurred_at);
  RETURN NEW;
END $$;

CREATE TRIGGER audit_event_queue BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_queue_event();
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
  FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
  FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();

-- Statement triggers do not reach partitions, so each partition gets its own TRUNCATE guard.
CREATE FUNCTION audit_guard_partition(name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I '
                 'FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()',
                 name || '_no_truncate', name);
END $$;

CREATE FUNCTION audit_ensure_partition(month date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  lower timestamptz := date_trunc('month', month)::timestamp AT TIME ZONE 'UTC';
  upper timestamptz := (date_trunc('month', month) + interval '1 month')::timestamp AT TIME ZONE 'UTC';
  suffix text := to_char(month, '"p"YYYYMM');
  base text;
BEGIN
  FOREACH base IN ARRAY ARRAY['audit_event', 'audit_seal'] LOOP
    IF to_regclass(base || '_' || suffix) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                     base || '_' || suffix, base, lower, upper);
      PERFORM audit_guard_partition(base || '_' || suffix);
    END IF;
  END LOOP;
END $$;

-- Catches events for a month whose partition was not created in time: never lose one.
CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT;
CREATE TABLE audit_seal_default PARTITION OF audit_seal DEFAULT;
SELECT audit_guard_partition('audit_event_default');
SELECT audit_guard_partition('audit_seal_default');
SELECT audit_ensure_partition((date_trunc('month', now() AT TIME ZONE 'UTC')
                               + make_interval(months => m))::date)
  FROM generate_series(-1, 12) AS m;
"""

POSTGRES_BACKWARD = r"""
DROP TABLE IF EXISTS audit_event, audit_seal, audit_pending, audit_checkpoint CASCADE;
DROP FUNCTION IF EXISTS audit_ensure_partition(date), audit_guard_partition(text),
  audit_queue_event(), audit_reject_change();
"""

MODELS = ("AuditEvent", "AuditSeal", "AuditCheckpoint")


def _run(schema_editor, sql):
    # No parameters: the SQL's own % (plpgsql RAISE, format) must not be read as placeholders.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def create_tables(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)
        return
    for name in MODELS:
        schema_editor.create_model(apps.get_model("audit", name))


def drop_tables(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)
        return
    for name in reversed(MODELS):
        schema_editor.delete_model(apps.get_model("audit", name))


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("occurred_at", models.DateTimeField(verbose_name="time")),
                ("actor_type", models.CharField(max_length=16)),
                ("actor_id", models.CharField(blank=True, default="", max_length=64)),
                ("actor_label", models.CharField(blank=True, default="", max_length=200)),
                ("actor_org_id", models.BigIntegerField(blank=True, null=True)),
                ("actor_role", models.CharField(blank=True, default="", max_length=32)),
                ("action", models.CharField(max_length=100)),
                ("target_type", models.CharField(blank=True, default="", max_length=100)),
                ("target_id", models.CharField(blank=True, default="", max_length=64)),
                ("target_org_id", models.BigIntegerField(blank=True, null=True)),
                ("outcome", models.CharField(max_length=16)),
                ("reason", models.TextField(blank=True, default="")),
                ("request_id", models.CharField(blank=True, default="", max_length=64)),
                ("ip", models.CharField(blank=True, default="", max_length=45)),
                ("user_agent", models.CharField(blank=True, default="", max_length=300)),
                ("retention", models.CharField(max_length=16)),
                ("data", models.TextField(default="{}")),
                ("changes", models.TextField(default="{}")),
            ],
            options={
                "db_table": "audit_event",
                "managed": False,
                "ordering": ["-id"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
            },
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False)),
                (
                    "event",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="seal",
                        to="audit.auditevent",
                    ),
                ),
                ("occurred_at", models.DateTimeField()),
                ("prev_hash", models.BinaryField()),
                ("hash", models.BinaryField()),
                ("sealed_at", models.DateTimeField()),
            ],
            options={"db_table": "audit_seal", "managed": False, "ordering": ["seq"]},
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("kind", models.CharField(max_length=16)),
                ("seq", models.BigIntegerField()),
                ("hash", models.BinaryField()),
                ("created_at", models.DateTimeField()),
                ("key_id", models.CharField(max_length=64)),
                ("signature", models.BinaryField()),
            ],
            options={
                "db_table": "audit_checkpoint",
                "managed": False,
                "ordering": ["-id"],
                "verbose_name": "audit checkpoint",
                "verbose_name_plural": "audit checkpoints",
            },
        ),
        migrations.RunPython(create_tables, drop_tables),
    ]
