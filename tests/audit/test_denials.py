import pytest

from apps.accounts import services
from apps.audit.choices import ActorType, Outcome
from apps.audit.models import AuditEvent
from tests.conftest import api_for, login_web
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def denied(**filters):
    return AuditEvent.objects.filter(outcome=Outcome.DENIED, **filters)


def test_an_api_key_authentication_failure_is_recorded_with_its_code(api, merchant):
    client = api_for(merchant)
    key = merchant.organization.api_keys.first()
    services.api_key_revoke(api_key=key, actor=merchant)
    response = client.get("/api/v1/me/", HTTP_USER_AGENT="robot/1")
    assert response.status_code == 401
    event = denied(reason="api_key_revoked").get()
    assert event.actor_type == ActorType.ANONYMOUS
    assert event.user_agent == "robot/1"
    assert event.request_id == response["X-Request-ID"]
    assert client.raw_key not in event.data


def test_an_unknown_api_key_is_recorded_as_invalid(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer pdp_nope_nope")
    assert api.get("/api/v1/me/").status_code == 401
    assert denied(reason="api_key_invalid").exists()


def test_opening_another_organizations_object_is_recorded_against_that_object(merchant, outsider):
    key, _ = services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="k"
    )
    response = api_for(outsider).get(f"/api/v1/api-keys/{key.pk}/")
    assert response.status_code == 404
    event = denied(action="apikey.view").get()
    assert event.actor_label.endswith("(outsider)")  # the outsider's API key
    assert event.actor_org_id == outsider.organization_id
    # The owner sees the attempt in its own trail.
    assert event.target_org_id == merchant.organization_id
    assert event.reason == "not_visible"


def test_a_domain_error_in_the_api_is_recorded_after_the_rollback(api, operator_member):
    # A plain member may not create keys: the service refuses and its transaction rolls back.
    api.force_authenticate(operator_member)
    response = api.post("/api/v1/api-keys/", {"name": "k"}, format="json")
    assert response.status_code == 403
    event = denied(action="api.api-key.create", reason="permission_denied").get()
    assert event.actor_org_id == operator_member.organization_id


def test_a_successful_and_a_failed_login_are_recorded(web, merchant):
    web.post("/accounts/login/", {"username": "merchant", "password": "wrong"})
    assert denied(action="auth.login", reason="bad_credentials").exists()
    login_web(web, merchant)
    event = AuditEvent.objects.get(action="auth.login", outcome=Outcome.ALLOWED)
    assert event.actor_label == "merchant"
    assert PASSWORD not in event.data


def test_a_lockout_is_recorded(web, merchant, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        web.post("/accounts/login/", {"username": "merchant", "password": "wrong"})
    assert denied(action="auth.lockout").exists()


def test_a_non_regulator_opening_the_console_is_recorded(web, outsider):
    login_web(web, outsider)
    assert web.get("/console/audit/").status_code == 403
    assert denied(action="console.access", actor_label="outsider").exists()


def test_a_probe_of_a_hidden_object_is_not_shown_to_the_prober(merchant, outsider, regulator):
    """Found in review: the prober's own audit list showed its denials for ids that exist,
    naming their owner, and none for ids that do not: the uniform 404 undone. The owner
    and the regulator still read the probe."""
    key, _ = services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="k"
    )
    prober = api_for(outsider)
    assert prober.get(f"/api/v1/api-keys/{key.pk}/").status_code == 404
    assert prober.get("/api/v1/api-keys/999999/").status_code == 404
    assert denied(action="apikey.view").count() == 1

    def listed(client) -> list:
        rows = client.get("/api/v1/audit/events/", {"action": "apikey.view"}).json()
        return [(e["target_id"], e["reason"]) for e in rows["results"]]

    assert listed(prober) == []
    assert listed(api_for(merchant)) == [(str(key.pk), "not_visible")]
    assert listed(api_for(regulator)) == [(str(key.pk), "not_visible")]
