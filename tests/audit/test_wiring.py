"""Every capability writes its changes and refusals into the one chained log."""

import pytest
from django.core.management import call_command

from apps.audit.models import AuditEvent
from apps.catalog import services
from apps.core.exceptions import PermissionDeniedError
from tests.catalog.conftest import payload, register
from tests.conftest import login_web

pytestmark = pytest.mark.usefixtures("empty_audit_log")


def actions(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


def test_a_registration_leaves_one_event_per_step_in_the_providers_trail(
    provider, regulator, capsys
):
    resource = register(
        services.resource_create(user=provider, data=payload()), provider, regulator
    )
    trail = actions(target_type="catalog.dataresource", target_id=str(resource.pk))
    assert trail == [
        "catalog.dataresource.create",
        "catalog.dataresource.submitted",
        "catalog.dataresource.under_review",
        "catalog.dataresource.public_notice",
        "catalog.dataresource.registered",
    ]
    events = AuditEvent.objects.filter(target_id=str(resource.pk))
    assert {e.target_org_id for e in events} == {provider.organization_id}
    closing = events.get(action="catalog.dataresource.registered")
    assert closing.actor_type == "system"  # the notice timer, not a person
    call_command("audit_verify")
    assert "events: 5" in capsys.readouterr().out


def test_a_metadata_edit_records_what_changed(provider):
    resource = services.resource_create(user=provider, data=payload())
    services.resource_update(resource=resource, user=provider, data={"description": "新的描述"})
    event = AuditEvent.objects.get(action="catalog.dataresource.update")
    assert "新的描述" in event.changes and "description" in event.changes


def test_a_refusal_on_a_web_page_is_recorded(web, provider, outsider):
    resource = services.resource_create(user=provider, data=payload())
    login_web(web, provider)
    web.post(f"/portal/resources/{resource.pk}/withdraw/")  # a draft cannot be withdrawn
    event = AuditEvent.objects.get(outcome="denied", action="web.portal:resource_withdraw")
    assert event.reason == "transition_not_allowed"
    assert event.actor_label == provider.username


def test_a_refused_service_call_leaves_no_change_event(provider, outsider):
    resource = services.resource_create(user=provider, data=payload())
    with pytest.raises(PermissionDeniedError):
        services.resource_submit(resource=resource, user=outsider)
    assert "catalog.dataresource.submitted" not in actions()
