import pytest
from django.db import connection

from apps.audit.context import SYSTEM
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

# The append-only guards; the insert trigger that queues events for the sealer stays on.
GUARDS = {
    "audit_event": ["audit_event_append_only"],
    "audit_seal": ["audit_seal_append_only"],
    "audit_checkpoint": ["audit_checkpoint_append_only"],
}


def tamper(sql: str, params=None) -> None:
    """Runs `sql` as an attacker with table-owner rights would: guards switched off.

    Only inside the test's transaction, so the DDL and the damage roll back afterwards.
    """
    with connection.cursor() as cursor:
        for table, triggers in GUARDS.items():
            for trigger in triggers:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        cursor.execute(sql, params)
        for table, triggers in GUARDS.items():
            for trigger in triggers:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


@pytest.fixture
def empty_audit_log(db):
    """A log with no events, so sequence numbers in a test start at 1.

    Events committed by earlier transactional tests are removed inside this test's
    transaction only (rolled back at the end).
    """
    tamper("DELETE FROM audit_checkpoint; DELETE FROM audit_seal; DELETE FROM audit_event")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_pending")


def record_many(count: int, action: str = "test.event", **kwargs) -> list[AuditEvent]:
    return [
        audit_record(**{"actor": SYSTEM, "action": action, "data": {"n": n}, **kwargs})
        for n in range(count)
    ]
