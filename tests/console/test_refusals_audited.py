"""Every refusal is audited, those of the action buttons too: an address naming no action
of the page (typed by hand, a stale page) and a note or reason the form refuses were
flashed (or, on the operator's agreement page, silently ignored) and left no record."""

import pytest

from apps.audit.models import AuditEvent
from apps.grants.models import Grant
from apps.operators.models import AuthorizationAgreement
from apps.products.models import DataProduct
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


def refusals(reason: str):
    return AuditEvent.objects.filter(outcome="denied", reason=reason)


def test_an_unknown_action_is_refused_audited_and_changes_nothing(
    web, regulator, operator_admin, in_review, effective, resources
):
    login_web(web, regulator)
    for url in (
        f"/console/products/{in_review.pk}/frobnicate/",
        f"/console/registrations/{resources[0].pk}/frobnicate/",
        f"/console/agreements/{effective.pk}/frobnicate/",
    ):
        response = web.post(url, {"reason": "x"}, follow=True)
        assert response.status_code == 200, url
        assert [m.level_tag for m in response.context["messages"]] == ["error"], url
    assert refusals("unknown_action").count() == 3
    web.post("/accounts/logout/")
    login_web(web, operator_admin)
    response = web.post(f"/portal/agreements/{effective.pk}/frobnicate/", follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert refusals("unknown_action").filter(actor_id=str(operator_admin.pk)).exists()
    assert DataProduct.objects.get(pk=in_review.pk).status == in_review.status
    assert AuthorizationAgreement.objects.get(pk=effective.pk).status == effective.status


def test_a_reason_the_form_refuses_is_audited_and_changes_nothing(web, regulator, grant):
    login_web(web, regulator)
    response = web.post(f"/console/grants/{grant.pk}/suspend/", {"reason": "a\x00b"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert refusals("invalid_input").filter(actor_id=str(regulator.pk)).exists()
    assert Grant.objects.get(pk=grant.pk).status == grant.status


def test_a_portal_page_of_another_kind_of_organization_is_a_403_audited(
    web, merchant, operator_admin, listed
):
    login_web(web, merchant)
    for url, code in (("/portal/products/", "not_operator"), ("/portal/reviews/", "not_reviewer")):
        response = web.get(url)
        assert response.status_code == 403, url
        assert refusals(code).filter(actor_id=str(merchant.pk)).exists(), url
    web.post("/accounts/logout/")
    login_web(web, operator_admin)
    assert web.get(f"/portal/applications/new/{listed.pk}/").status_code == 403
    assert refusals("not_merchant").filter(actor_id=str(operator_admin.pk)).exists()
