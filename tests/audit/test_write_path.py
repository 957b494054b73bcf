import json

import pytest
from django.test import RequestFactory

from apps.accounts import services
from apps.audit.choices import ActorType, Outcome, Retention
from apps.audit.context import SYSTEM, system_job
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_a_user_actor_is_recorded_with_organization_and_role(operator_admin):
    event = audit_record(
        actor=operator_admin, action="thing.do", target=operator_admin.organization
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor_type, event.actor_label) == (ActorType.USER, "operator_admin")
    assert event.actor_org_id == operator_admin.organization_id
    assert event.actor_role == "admin"
    assert event.target_type == "accounts.organization"
    assert event.target_org_id == operator_admin.organization_id
    assert event.outcome == Outcome.ALLOWED


def test_the_request_gives_request_id_ip_user_agent_and_api_key_actor(merchant):
    key, _raw = services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="robot"
    )
    request = RequestFactory().get("/", HTTP_USER_AGENT="curl/8", REMOTE_ADDR="10.1.2.3")
    request.request_id, request.api_key, request.user = "req-12345678", key, merchant
    event = audit_record(action="data.pull", request=request)
    assert (event.actor_type, event.actor_id) == (ActorType.API_KEY, str(key.pk))
    assert event.actor_org_id == merchant.organization_id
    assert (event.request_id, event.ip, event.user_agent) == ("req-12345678", "10.1.2.3", "curl/8")


def test_a_system_job_is_the_actor_of_work_done_outside_a_request():
    with system_job("nightly.expire"):
        event = audit_record(action="grant.expire", actor=SYSTEM)
        implicit = audit_record(action="grant.expire")
    assert (event.actor_type, event.actor_label) == (ActorType.SYSTEM, "nightly.expire")
    assert (implicit.actor_type, implicit.actor_label) == (ActorType.SYSTEM, "nightly.expire")


def test_secrets_never_reach_the_event():
    event = audit_record(
        actor=SYSTEM,
        action="user.change",
        data={"password": "hunter2", "nested": {"api_key": "pdp_x_y", "ok": 1}},
        before={"token": "a", "name": "old"},
        after={"token": "b", "name": "new"},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert "hunter2" not in stored.data and "pdp_x_y" not in stored.data
    assert json.loads(stored.changes) == {
        "name": ["old", "new"],
        "token": ["[redacted]", "[redacted]"],
    }


def test_an_event_rolls_back_with_the_callers_transaction():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=SYSTEM, action="doomed.change")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="doomed.change").exists()


def test_creating_and_revoking_an_api_key_is_recorded_with_before_and_after(merchant):
    key, raw = services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="robot"
    )
    services.api_key_revoke(api_key=key, actor=merchant, reason="leaked")
    created = AuditEvent.objects.get(action="api_key.create", target_id=str(key.pk))
    revoked = AuditEvent.objects.get(action="api_key.revoke", target_id=str(key.pk))
    assert raw not in created.data + created.changes
    assert key.key_hash not in created.changes
    changes = json.loads(revoked.changes)
    assert changes["revoke_reason"] == ["", "leaked"]
    assert changes["revoked_at"][0] is None and changes["revoked_at"][1]
    assert revoked.target_org_id == merchant.organization_id
    assert revoked.retention == Retention.RECORD


def test_a_management_command_records_its_events_as_a_system_job():
    from django.core.management import call_command

    call_command("audit_prune", stdout=None)
    event = AuditEvent.objects.filter(action="audit.prune").order_by("-id").first()
    assert (event.actor_type, event.actor_label) == (ActorType.SYSTEM, "manage.py audit_prune")


def test_work_done_outside_any_request_or_job_is_attributed_to_the_process():
    event = audit_record(action="shell.fix")
    assert event.actor_type == ActorType.SYSTEM
    assert event.actor_label.startswith("process:")


def test_a_change_made_through_an_api_key_names_the_key_as_actor(merchant):
    from apps.accounts.services import api_key_create
    from tests.conftest import api_for

    client = api_for(merchant)
    second, _raw = api_key_create(
        organization=merchant.organization, created_by=merchant, name="second"
    )
    response = client.post(f"/api/v1/api-keys/{second.pk}/revoke/", {}, format="json")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="api_key.revoke", target_id=str(second.pk))
    assert event.actor_type == ActorType.API_KEY
    assert event.actor_label.endswith("(merchant)")
    assert event.request_id == response["X-Request-ID"]


def test_any_object_that_describes_itself_can_be_the_actor():
    # The audit app knows no accounts model: actors describe themselves.
    from apps.audit.actors import ActorDescription

    class Robot:
        def audit_actor(self) -> ActorDescription:
            return ActorDescription(
                actor_type=ActorType.API_KEY, actor_id="7", actor_label="robot", actor_org_id=3
            )

    event = AuditEvent.objects.get(pk=audit_record(actor=Robot(), action="thing.do").pk)
    assert (event.actor_type, event.actor_id) == (ActorType.API_KEY, "7")
    assert event.actor_label == "robot"
    assert event.actor_org_id == 3


def test_a_target_names_the_organization_whose_trail_it_joins():
    class Owned:
        class _meta:  # what audit reads of a model instance
            label_lower = "test.owned"

        pk = 1
        audit_org_id = 42

    event = audit_record(actor=SYSTEM, action="thing.do", target=Owned())
    assert (event.target_type, event.target_org_id) == ("test.owned", 42)


def test_control_characters_in_recorded_text_are_blanked_but_line_breaks_kept():
    with system_job("test"):
        event = audit_record(action="x.y\x1b[31m", reason="first line\nsecond\tline\x07\x7f")
    event.refresh_from_db()
    assert event.action == "x.y [31m"
    assert event.reason == "first line\nsecond\tline  "


def test_c1_controls_separators_and_bidi_overrides_are_blanked_too():
    with system_job("test"):
        event = audit_record(action="a", reason="ok\x85\x9b31mRED\u202egnp.exe\u2028x")
    event.refresh_from_db()
    assert event.reason == "ok  31mRED gnp.exe x"
