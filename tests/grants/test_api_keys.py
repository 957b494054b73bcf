"""A key bound to a grant, over the API: it reads GET /api/v1/grants/{id}/ while the grant
is usable, and every suspension, resumption, revocation, expiry, cascade and renewal
reaches it on the very next request."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.grants.models import AccessApplication, Grant, GrantKey
from apps.operators import services as operators
from tests.conftest import api_for
from tests.grants.conftest import approve_pending, issued, keyed, run_checks

pytestmark = pytest.mark.django_db
GRANTS = "/api/v1/grants/"


def post(client, path, data=None):
    return client.post(path, json.dumps(data or {}, default=str), content_type="application/json")


def refused(response, code: str) -> bool:
    return response.status_code == 403 and response.json()["code"] == code


@pytest.fixture
def bound(grant, merchant):
    """A machine client whose key the merchant bound to the grant over the API."""
    machine, key = keyed(merchant)
    response = post(api_for(merchant), f"{GRANTS}{grant.pk}/keys/", {"api_key": key.pk})
    assert response.status_code == 201, response.json()
    machine.key = key
    return machine


def test_suspend_resume_and_revoke_reach_the_key_on_the_next_request(
    grant, bound, operator_admin, regulator
):
    own = f"{GRANTS}{grant.pk}/"
    assert bound.get(own).status_code == 200
    operator = api_for(operator_admin)
    assert post(operator, f"{own}suspend/", {"reason": "安全检查"}).json()["status"] == "suspended"
    assert refused(bound.get(own), "grant_suspended")
    assert post(operator, f"{own}resume/", {"note": "检查完毕"}).json()["status"] == "active"
    assert bound.get(own).status_code == 200
    revoked = post(api_for(regulator), f"{own}revoke/", {"reason": "违规转售"})
    assert revoked.json()["status"] == "revoked" and revoked.json()["refusal"] == "grant_revoked"
    assert refused(bound.get(own), "grant_revoked")
    assert AuditEvent.objects.filter(outcome="denied", reason="grant_revoked").exists()


def test_the_key_is_refused_once_the_term_is_over(listed, merchant, operator_admin):
    grant = issued(
        listed, merchant, operator_admin, requested_end=timezone.localdate() + timedelta(days=10)
    )
    machine, key = keyed(merchant)
    post(api_for(merchant), f"{GRANTS}{grant.pk}/keys/", {"api_key": key.pk})
    assert machine.get(f"{GRANTS}{grant.pk}/").status_code == 200
    # No timer has run: the key guard reads the term itself.
    with time_machine.travel(grant.ends_at + timedelta(seconds=1), tick=False):
        assert refused(machine.get(f"{GRANTS}{grant.pk}/"), "grant_expired")
    grant.refresh_from_db()
    assert grant.status == "active"


def test_an_agreement_suspension_refuses_the_next_request(grant, bound, regulator):
    assert bound.get(f"{GRANTS}{grant.pk}/").status_code == 200
    operators.agreement_suspend(
        agreement=grant.product.agreement, reviewer=regulator, reason="运营机构违规"
    )
    response = bound.get(f"{GRANTS}{grant.pk}/")
    assert response.status_code == 403
    assert response.json()["code"] in {
        "grant_suspended",
        "product_unavailable",
        "agreement_not_in_force",
    }


def test_a_bound_key_calls_nothing_but_its_grant(grant, bound, listed, merchant, operator_admin):
    other = issued(listed, merchant, operator_admin)
    for path in ("/api/v1/me/", GRANTS, "/api/v1/applications/", f"{GRANTS}{other.pk}/"):
        assert refused(bound.get(path), "key_bound_to_grant"), path
    # Nor does it manage its grant: it cannot unbind itself, bind, renew or revoke.
    own = f"{GRANTS}{grant.pk}/"
    assert refused(bound.delete(f"{own}keys/{bound.key.pk}/"), "key_bound_to_grant")
    assert refused(bound.get(f"{own}keys/"), "key_bound_to_grant")
    assert refused(post(bound, f"{own}renew/"), "key_bound_to_grant")
    assert refused(post(bound, f"{own}revoke/", {"reason": "x"}), "key_bound_to_grant")
    assert GrantKey.objects.filter(api_key=bound.key, grant=grant).exists()
    assert AuditEvent.objects.filter(outcome="denied", reason="key_bound_to_grant").count() >= 8


def test_unbinding_frees_the_key(grant, bound, merchant):
    shop = api_for(merchant)
    assert shop.delete(f"{GRANTS}{grant.pk}/keys/{bound.key.pk}/").status_code == 204
    assert bound.get("/api/v1/me/").status_code == 200
    missing = shop.delete(f"{GRANTS}{grant.pk}/keys/{bound.key.pk}/")
    assert missing.status_code == 422 and missing.json()["code"] == "key_not_bound"


def test_a_renewal_keeps_the_old_key_working_and_moves_it_to_the_new_version(
    grant, bound, merchant, operator_admin
):
    shop = api_for(merchant)
    later = grant.application.requested_end + timedelta(days=30)
    # Nothing is re-typed, not even the acceptance of terms that have not changed.
    renewal = post(shop, f"{GRANTS}{grant.pk}/renew/", {"requested_end": later})
    assert renewal.status_code == 201, renewal.json()
    body = renewal.json()
    assert body["kind"] == "renewal" and body["previous_grant"] == grant.pk
    assert body["purpose"] == grant.application.purpose  # nothing re-typed
    assert post(shop, f"/api/v1/applications/{body['id']}/submit/").status_code == 200
    application = AccessApplication.objects.get(pk=body["id"])
    run_checks(application)
    assert bound.get(f"{GRANTS}{grant.pk}/").status_code == 200  # still in review
    approve_pending(application, operator_admin)
    new = Grant.objects.get(application=application)
    assert new.version == 2 and new.previous_id == grant.pk
    assert bound.get(f"{GRANTS}{new.pk}/").status_code == 200
    assert refused(bound.get(f"{GRANTS}{grant.pk}/"), "key_bound_to_grant")
    assert shop.get(f"{GRANTS}{grant.pk}/").json()["status"] == "superseded"


def test_an_amendment_starts_from_the_grant_and_only_one_follow_up_is_open(grant, merchant):
    shop = api_for(merchant)
    amended = post(shop, f"{GRANTS}{grant.pk}/amend/", {"fields": ["credit_code", "legal_rep"]})
    assert amended.status_code == 201, amended.json()
    assert amended.json()["fields"] == ["credit_code", "legal_rep"]
    again = post(shop, f"{GRANTS}{grant.pk}/renew/")
    assert again.status_code == 409 and again.json()["code"] == "follow_up_open"


def test_which_key_is_bound_is_read_by_its_organization_and_the_regulator_only(
    grant, bound, merchant, operator_admin, provider, regulator
):
    """The product's operator and the data's provider read that a key is bound and its
    term, not which key it is (id, name, prefix), as for sandbox and export history."""
    path = f"{GRANTS}{grant.pk}/keys/"
    for who in (merchant, regulator):
        [shown] = api_for(who).get(path).json()
        assert (shown["api_key"], shown["prefix"]) == (bound.key.pk, bound.key.prefix)
    for who in (operator_admin, provider):
        response = api_for(who).get(path)
        assert response.status_code == 200, response.content
        [shown] = response.json()
        assert shown["api_key"] is shown["name"] is shown["prefix"] is None
        assert shown["bound_by"] is None and shown["revoked"] is False
