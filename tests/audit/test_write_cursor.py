"""How denials escape a rolled-back transaction, and that audit writes are real queries."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.audit.choices import Outcome
from apps.audit.context import SYSTEM
from apps.audit.models import AuditEvent, AuditLogImmutable
from apps.audit.services import audit_record, audit_record_denial
from tests.audit.conftest import record_many


def denials(action: str, target_id):
    return AuditEvent.objects.filter(action=action, outcome=Outcome.DENIED, target_id=target_id)


@pytest.mark.django_db(transaction=True)
def test_the_denial_survives_when_the_callers_transaction_rolls_back(settings):
    settings.AUDIT_DENIALS_OUT_OF_BAND = True
    event = record_many(1)[0]
    with pytest.raises(AuditLogImmutable), transaction.atomic():
        event.delete()
    assert denials("audit.event.delete", str(event.pk)).exists()


@pytest.mark.django_db(transaction=True)
def test_a_denial_outside_a_transaction_is_written_on_the_callers_connection(settings):
    settings.AUDIT_DENIALS_OUT_OF_BAND = True
    with CaptureQueriesContext(connection) as queries:
        audit_record_denial(action="test.refused", reason="nope", target=("test.thing", "oob-1"))
    assert any("INSERT INTO audit_event" in q["sql"] for q in queries.captured_queries)
    assert denials("test.refused", "oob-1").count() == 1


@pytest.mark.django_db
def test_with_out_of_band_off_a_denial_rolls_back_with_its_transaction(settings):
    # The test settings: each test keeps its events inside its own transaction.
    settings.AUDIT_DENIALS_OUT_OF_BAND = False
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record_denial(action="test.refused", reason="nope", target=("test.thing", "rb-1"))
        raise RuntimeError
    assert not denials("test.refused", "rb-1").exists()


@pytest.mark.django_db
def test_query_logging_sees_every_audit_write():
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=SYSTEM, action="test.logged")
    inserts = [q for q in queries.captured_queries if "INSERT INTO audit_event" in q["sql"]]
    assert len(inserts) == 1


def prepared_audit_inserts() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE 'INSERT INTO audit_event%%'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_audit_insert_is_prepared_from_its_second_run_on_a_connection():
    connection.close()  # a fresh connection, as a web request with CONN_MAX_AGE=0 gets
    audit_record(actor=SYSTEM, action="test.prepared")
    assert prepared_audit_inserts() == 0  # one event: no extra round trip to prepare
    audit_record(actor=SYSTEM, action="test.prepared")
    audit_record(actor=SYSTEM, action="test.prepared")
    assert prepared_audit_inserts() == 1


@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_is_planned_once_not_at_each_run():
    # PostgreSQL would plan each of the first five runs again (custom plans), and go on
    # doing it while they looked cheaper: settings.plan_prepared_once asks for one plan.
    connection.close()
    for _ in range(8):
        audit_record(actor=SYSTEM, action="test.planned")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE 'INSERT INTO audit_event%%'"
        )
        generic, custom = cursor.fetchone()
    assert (generic, custom) == (7, 0)  # the first run is not prepared (PREPARE_AFTER)
