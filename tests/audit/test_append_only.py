import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.choices import Outcome
from apps.audit.models import AuditEvent, AuditLogImmutable
from apps.audit.sealer import seal_pending
from tests.audit.conftest import record_many
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


def run_sql(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.parametrize("table", ["audit_event", "audit_seal", "audit_checkpoint"])
def test_the_database_rejects_update_delete_and_truncate(table):
    record_many(2)
    seal_pending()
    from apps.audit.checkpoints import checkpoint_create

    checkpoint_create()
    column = {
        "audit_event": "reason = 'x'",
        "audit_seal": "hash = ''",
        "audit_checkpoint": "seq = 0",
    }
    for sql in (f"UPDATE {table} SET {column[table]}", f"DELETE FROM {table}", f"TRUNCATE {table}"):  # noqa: S608
        with pytest.raises(DatabaseError, match="append-only"):
            run_sql(sql)


def test_a_month_partition_cannot_be_truncated_directly():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'audit_event'::regclass LIMIT 1"
        )
        partition = cursor.fetchone()[0]
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(f"TRUNCATE {partition}")


def denials(action: str):
    return AuditEvent.objects.filter(action=action, outcome=Outcome.DENIED)


def test_changing_an_event_through_the_orm_fails_and_is_recorded_as_denied():
    event = record_many(1)[0]
    event.reason = "edited"
    with pytest.raises(AuditLogImmutable):
        event.save()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(reason="edited")
    assert denials("audit.event.update").count() == 2


def test_deleting_an_event_through_the_orm_fails_and_is_recorded_as_denied():
    event = record_many(1)[0]
    with pytest.raises(AuditLogImmutable):
        event.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert denials("audit.event.delete").count() == 2


def test_the_admin_refuses_to_change_or_delete_an_event_and_records_it(web, django_user_model):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    from tests.factories import totp_device

    totp_device(admin)
    login_web(web, django_user_model.objects.get(pk=admin.pk))
    event = record_many(1)[0]
    url = f"/admin/audit/auditevent/{event.pk}/"
    assert web.get(url + "change/").status_code == 200  # viewing is fine
    assert web.post(url + "change/", {"reason": "x"}).status_code == 403
    assert web.post(url + "delete/", {"post": "yes"}).status_code == 403
    assert denials("audit.auditevent.update").exists()
    assert denials("audit.auditevent.delete").exists()
    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()


def test_the_api_has_no_write_endpoint_and_records_the_attempt(regulator):
    from tests.conftest import api_for

    client = api_for(regulator)
    event = record_many(1)[0]
    assert client.post("/api/v1/audit/events/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/audit/events/{event.pk}/").status_code == 405
    assert client.patch(f"/api/v1/audit/events/{event.pk}/", {}, format="json").status_code == 405
    assert (
        AuditEvent.objects.filter(
            action__startswith="api.audit-event.",
            outcome=Outcome.DENIED,
            reason="method_not_allowed",
        ).count()
        == 3
    )
