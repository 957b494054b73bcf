"""Every applications, reviews and grants endpoint with an outsider (another merchant's
admin), an anonymous caller and insiders without the role: hidden objects answer 404
(recorded for their owner), writes are refused, nothing changes."""

import pytest

from apps.audit.models import AuditEvent
from apps.grants.choices import ApplicationStatus as A
from apps.grants.models import AccessApplication, ApplicationMessage, Grant, GrantKey
from tests.conftest import api_for
from tests.grants.conftest import keyed, run_checks, submitted

pytestmark = pytest.mark.django_db
APPS, GRANTS = "/api/v1/applications/", "/api/v1/grants/"

APPLICATION_CALLS = [
    ("get", ""),
    ("patch", ""),
    ("post", "submit/"),
    ("post", "withdraw/"),
    ("get", "messages/"),
    ("post", "messages/"),
    ("get", "attachments/"),
    ("post", "attachments/"),
    ("get", "steps/"),
    ("post", "decide/"),
    ("get", "history/"),
]
GRANT_CALLS = [
    ("get", ""),
    ("post", "suspend/"),
    ("post", "resume/"),
    ("post", "revoke/"),
    ("get", "keys/"),
    ("post", "keys/"),
    ("delete", "keys/{key}/"),
    ("post", "renew/"),
    ("post", "amend/"),
]
BODIES = {
    "patch": {"purpose": "x"},
    "messages/": {"body": "你好"},
    "decide/": {"step": 1, "decision": "approved", "comment": "x"},
    "suspend/": {"reason": "x"},
    "revoke/": {"reason": "x"},
    "keys/": {"api_key": 1},
}


def call(client, method, path, suffix):
    body = BODIES.get(suffix if method != "patch" else "patch")
    return (
        getattr(client, method)(path, body, format="json")
        if body
        else getattr(client, method)(path)
    )


@pytest.fixture
def objects(listed, merchant, operator_admin, draft_application):
    reviewing = submitted(listed, merchant)
    run_checks(reviewing)
    from tests.grants.conftest import issued

    grant = issued(listed, merchant, operator_admin)
    _client, key = keyed(merchant)
    GrantKey.objects.create(grant=grant, api_key=key, bound_by=merchant)
    return {"draft": draft_application, "reviewing": reviewing, "grant": grant, "key": key}


def signed_in(user):
    """A session-like client of the user themselves (a key acts as its creator, an admin)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def snapshot():
    return (
        list(AccessApplication.objects.order_by("pk").values_list("pk", "status", "purpose")),
        list(Grant.objects.order_by("pk").values_list("pk", "status")),
        GrantKey.objects.count(),
        ApplicationMessage.objects.count(),
    )


def test_an_outsider_meets_404_on_every_application_endpoint(objects, outsider):
    client, before = api_for(outsider), snapshot()
    for which in ("draft", "reviewing"):
        application = objects[which]
        for method, suffix in APPLICATION_CALLS:
            response = call(client, method, f"{APPS}{application.pk}/{suffix}", suffix)
            assert response.status_code == 404, (which, method, suffix)
            assert response.json()["code"] == "not_found"
        probes = AuditEvent.objects.filter(
            outcome="denied", target_id=str(application.pk), target_org_id=application.merchant_id
        )
        assert probes.count() == len(APPLICATION_CALLS), which
    assert snapshot() == before


def test_an_outsider_meets_404_on_every_grant_endpoint(objects, outsider):
    client, before, grant = api_for(outsider), snapshot(), objects["grant"]
    for method, suffix in GRANT_CALLS:
        path = f"{GRANTS}{grant.pk}/{suffix.format(key=objects['key'].pk)}"
        assert call(client, method, path, suffix).status_code == 404, (method, suffix)
    assert snapshot() == before


def test_anonymous_callers_are_asked_to_authenticate(objects, api):
    before = snapshot()
    for calls, base, target in (
        (APPLICATION_CALLS, APPS, objects["reviewing"]),
        (GRANT_CALLS, GRANTS, objects["grant"]),
    ):
        for method, suffix in calls:
            path = f"{base}{target.pk}/{suffix.format(key=objects['key'].pk)}"
            assert call(api, method, path, suffix).status_code == 401, (method, path)
    assert snapshot() == before


def test_outsiders_lists_are_empty(objects, outsider, api):
    client = api_for(outsider)
    for path in (APPS, GRANTS, "/api/v1/reviews/?queue=all", "/api/v1/reviews/?queue=overdue"):
        assert client.get(path).json()["results"] == [], path
        assert api.get(path).status_code == 401


def test_insiders_without_the_role_are_refused(objects, operator_member, merchant, provider):
    from apps.accounts.choices import OrganizationKind, Role
    from tests.factories import member

    grant, reviewing = objects["grant"], objects["reviewing"]
    before = snapshot()
    # An operator's plain member reads but does not decide or suspend.
    plain = signed_in(operator_member)
    assert plain.get(f"{GRANTS}{grant.pk}/").status_code == 200
    assert (
        plain.post(f"{GRANTS}{grant.pk}/suspend/", {"reason": "x"}, format="json").status_code
        == 403
    )
    step = plain.get(f"{APPS}{reviewing.pk}/steps/").json()[0]
    body = {"step": step["id"], "decision": "approved", "comment": "x"}
    response = plain.post(f"{APPS}{reviewing.pk}/decide/", body, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_your_step"
    # A merchant's plain member reads the grant but binds no key; the operator binds none.
    clerk = member(
        OrganizationKind.MERCHANT, role=Role.MEMBER, organization=merchant.organization,
        username="clerk",
    )  # fmt: skip
    for user in (clerk, operator_member):
        response = signed_in(user).post(
            f"{GRANTS}{grant.pk}/keys/", {"api_key": objects["key"].pk}, format="json"
        )
        assert response.status_code == 403, user
    # The operator does not edit the merchant's application; a provider not asked sees none.
    response = plain.post(f"{APPS}{reviewing.pk}/withdraw/", {}, format="json")
    assert response.status_code == 403
    assert api_for(provider).get(f"{APPS}{reviewing.pk}/").status_code == 404
    assert snapshot() == before
    reviewing.refresh_from_db()
    assert reviewing.status == A.IN_REVIEW
