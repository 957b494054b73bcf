"""Issue 10's bad input over the API: each refusal answers its 4xx with a stable `code`,
is recorded as a `denied` audit event, and changes nothing."""

import json
from datetime import timedelta

import pytest

from apps.audit.models import AuditEvent
from apps.grants.choices import ApplicationStatus as A
from apps.grants.models import AccessApplication, GrantKey
from apps.products import services as products
from apps.workflow import review
from tests.conftest import api_for
from tests.grants.conftest import application_data, keyed, run_checks, submitted
from tests.products.conftest import product_data

pytestmark = pytest.mark.django_db
APPS, GRANTS = "/api/v1/applications/", "/api/v1/grants/"


def post(client, path, data=None):
    return client.post(path, json.dumps(data or {}, default=str), content_type="application/json")


def assert_refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert AuditEvent.objects.filter(outcome="denied", reason=code).exists(), code


@pytest.fixture
def reviewing(listed, merchant):
    application = submitted(listed, merchant, fields=["credit_code", "legal_rep"])
    run_checks(application)
    assert application.status == A.IN_REVIEW
    return application


def pending(application):
    return review.steps_for(application).filter(decision="pending").get()


def decide(client, application, step, decision="approved", comment="同意"):
    body = {"step": step.pk, "decision": decision, "comment": comment}
    return post(client, f"{APPS}{application.pk}/decide/", body)


def test_applying_for_an_unlisted_product(listed, merchant, operator_admin, resources):
    draft = products.product_create(
        user=operator_admin, data=product_data(listed.agreement, resources, name="未上架")
    )
    response = post(api_for(merchant), APPS, application_data(draft))
    assert_refused(response, 422, "product_not_listed")
    assert list(response.json()["details"]) == ["product"]
    assert not AccessApplication.objects.exists()


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"fields": ["credit_code", "secret_column"]}, "field_not_in_product"),
        ({"scenario": "marketing"}, "scenario_not_in_product"),
        ({"expected_calls_per_day": 10**6}, "volume_over_limit"),
    ],
)
def test_asking_for_more_than_the_product_offers(listed, merchant, overrides, code):
    response = post(api_for(merchant), APPS, application_data(listed, **overrides))
    assert_refused(response, 422, code)
    assert not AccessApplication.objects.exists()


def test_a_term_beyond_the_agreements_end(listed, merchant, draft_application):
    end = listed.agreement.term_end + timedelta(days=1)
    client = api_for(merchant)
    assert_refused(
        post(client, APPS, application_data(listed, requested_end=end)),
        422,
        "term_beyond_agreement",
    )
    response = client.patch(
        f"{APPS}{draft_application.pk}/",
        json.dumps({"requested_end": str(end)}),
        content_type="application/json",
    )
    assert_refused(response, 422, "term_beyond_agreement")
    draft_application.refresh_from_db()
    assert draft_application.requested_end < end
    assert AccessApplication.objects.count() == 1


def test_approving_ones_own_application(reviewing, merchant):
    assert_refused(decide(api_for(merchant), reviewing, pending(reviewing)), 403, "own_application")
    assert pending(reviewing).stage == "application.operator"


def test_acting_on_a_step_that_belongs_to_someone_else(reviewing, operator_admin, regulator):
    # The regulator may read the application but the operator's step is not its to decide.
    step = pending(reviewing)
    assert_refused(decide(api_for(regulator), reviewing, step), 403, "not_your_step")
    decide(api_for(operator_admin), reviewing, step)
    security = pending(reviewing)
    assert_refused(decide(api_for(operator_admin), reviewing, security), 403, "not_your_step")
    assert pending(reviewing).pk == security.pk


def test_deciding_a_step_twice(reviewing, operator_admin):
    client, step = api_for(operator_admin), pending(reviewing)
    assert decide(client, reviewing, step).status_code == 200
    decisions = review.steps_for(reviewing).exclude(decision="pending").count()
    assert_refused(decide(client, reviewing, step, "rejected"), 409, "already_decided")
    assert review.steps_for(reviewing).exclude(decision="pending").count() == decisions
    reviewing.refresh_from_db()
    assert reviewing.status == A.IN_REVIEW


def test_a_decision_needs_a_comment_a_step_of_this_application_and_a_known_decision(
    reviewing, operator_admin, listed, merchant
):
    client, step = api_for(operator_admin), pending(reviewing)
    assert_refused(decide(client, reviewing, step, comment="  "), 422, "comment_required")
    other = submitted(listed, merchant)
    run_checks(other)
    assert_refused(decide(client, reviewing, pending(other)), 422, "no_review_step")
    response = decide(client, reviewing, step, decision="maybe")
    assert response.status_code == 400 and response.json()["code"] == "validation_error"
    assert pending(reviewing).pk == step.pk and pending(other).decision == "pending"


def test_stale_transitions(reviewing, merchant, listed):
    client = api_for(merchant)
    assert_refused(post(client, f"{APPS}{reviewing.pk}/submit/"), 409, "already_submitted")
    response = client.patch(
        f"{APPS}{reviewing.pk}/", json.dumps({"purpose": "改"}), content_type="application/json"
    )
    assert_refused(response, 409, "not_editable")
    assert post(client, f"{APPS}{reviewing.pk}/withdraw/").json()["status"] == A.WITHDRAWN
    assert_refused(post(client, f"{APPS}{reviewing.pk}/withdraw/"), 409, "transition_not_allowed")
    reviewing.refresh_from_db()
    assert reviewing.status == A.WITHDRAWN and reviewing.purpose == "核验合作企业的注册资本"


def test_stale_grant_transitions(grant, operator_admin):
    client = api_for(operator_admin)
    assert_refused(post(client, f"{GRANTS}{grant.pk}/resume/"), 409, "transition_not_allowed")
    assert post(client, f"{GRANTS}{grant.pk}/revoke/", {"reason": "违规"}).status_code == 200
    response = post(client, f"{GRANTS}{grant.pk}/suspend/", {"reason": "再停"})
    assert_refused(response, 409, "transition_not_allowed")
    grant.refresh_from_db()
    assert grant.status == "revoked"


def test_a_reason_is_required_to_suspend_or_revoke(grant, regulator):
    client = api_for(regulator)
    for verb in ("suspend", "revoke"):
        response = post(client, f"{GRANTS}{grant.pk}/{verb}/", {"reason": " "})
        assert_refused(response, 422, "reason_required")
    grant.refresh_from_db()
    assert grant.status == "active"


def test_a_key_cannot_be_bound_to_another_organizations_grant(grant, outsider, merchant):
    # The outsider does not see the grant: 404, recorded for the grant's merchant.
    _client, outsiders_key = keyed(outsider)
    response = post(api_for(outsider), f"{GRANTS}{grant.pk}/keys/", {"api_key": outsiders_key.pk})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert AuditEvent.objects.filter(
        outcome="denied", target_id=str(grant.pk), target_org_id=grant.merchant_id
    ).exists()
    # Nor may the merchant bind the outsider's key to its own grant.
    response = post(api_for(merchant), f"{GRANTS}{grant.pk}/keys/", {"api_key": outsiders_key.pk})
    assert_refused(response, 422, "key_not_found")
    assert not GrantKey.objects.exists()


def test_a_key_serves_one_grant(grant, merchant, listed, operator_admin):
    from tests.grants.conftest import issued

    other = issued(listed, merchant, operator_admin)
    _client, key = keyed(merchant)
    shop = api_for(merchant)
    assert post(shop, f"{GRANTS}{grant.pk}/keys/", {"api_key": key.pk}).status_code == 201
    response = post(shop, f"{GRANTS}{other.pk}/keys/", {"api_key": key.pk})
    assert_refused(response, 422, "key_already_bound")
    assert list(GrantKey.objects.values_list("grant_id", flat=True)) == [grant.pk]


def test_unknown_fields_and_oversized_ids_are_400(listed, merchant, draft_application):
    client = api_for(merchant)
    response = post(client, APPS, {**application_data(listed), "status": "approved"})
    assert response.status_code == 400 and response.json()["code"] == "unknown_field"
    response = post(client, APPS, {**application_data(listed), "product": 2**64})
    assert response.status_code == 400 and response.json()["code"] == "validation_error"
    assert client.get(f"{APPS}{'9' * 30}/").status_code == 404
    assert AccessApplication.objects.count() == 1
