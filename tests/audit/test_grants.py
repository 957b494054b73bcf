"""The production privileges in apps/audit/README.md are enough to run, and no more."""

import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.checkpoints import checkpoint_create
from apps.audit.sealer import seal_pending
from apps.audit.verify import verify_chain
from tests.audit.conftest import record_many

pytestmark = pytest.mark.django_db

GRANTS = """
CREATE ROLE audit_app_test NOLOGIN;
GRANT SELECT, INSERT ON audit_event, audit_seal, audit_checkpoint TO audit_app_test;
GRANT SELECT, INSERT, DELETE ON audit_pending TO audit_app_test;
GRANT USAGE ON SEQUENCE audit_event_id_seq, audit_checkpoint_id_seq TO audit_app_test;
"""


@pytest.fixture
def as_app_role():
    with connection.cursor() as cursor:
        cursor.execute(GRANTS)
        cursor.execute("SET LOCAL ROLE audit_app_test")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_the_application_role_can_record_seal_checkpoint_and_verify(as_app_role):
    record_many(3)
    assert seal_pending() >= 3
    assert checkpoint_create() is not None
    assert verify_chain().ok


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET reason = 'x'",
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
        "DROP TABLE audit_checkpoint",
    ],
)
def test_the_application_role_can_neither_change_nor_disarm_the_log(as_app_role, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
