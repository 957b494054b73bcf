"""Every products endpoint with an outsider (another merchant's admin) and an anonymous
caller: hidden drafts answer 404, writes are refused, nothing changes, and each refusal
is audited."""

import pytest

from apps.audit.models import AuditEvent
from apps.products.choices import ProductStatus as P
from tests.conftest import api_for
from tests.products.conftest import product_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/products/"
ACTIONS = ("submit", "withdraw", "approve", "return", "delist")


def test_an_outsider_cannot_see_a_draft(draft_product, outsider):
    client = api_for(outsider)
    for path in ("", "terms/", "history/"):
        response = client.get(f"{BASE}{draft_product.pk}/{path}")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert client.get(BASE).json()["results"] == []


@pytest.mark.parametrize("verb", ACTIONS)
def test_an_outsider_cannot_act_on_a_draft(draft_product, outsider, verb):
    response = api_for(outsider).post(f"{BASE}{draft_product.pk}/{verb}/", {}, format="json")
    assert response.status_code == 404
    draft_product.refresh_from_db()
    assert draft_product.status == P.DRAFT


@pytest.mark.parametrize("verb", ACTIONS)
def test_an_outsider_cannot_act_on_a_listed_product(listed, outsider, verb):
    response = api_for(outsider).post(f"{BASE}{listed.pk}/{verb}/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    listed.refresh_from_db()
    assert listed.status == P.LISTED


def test_an_outsider_cannot_edit_or_create(draft_product, outsider, effective, resources):
    client = api_for(outsider)
    response = client.patch(f"{BASE}{draft_product.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 404
    response = client.post(BASE, product_data(effective, resources), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_callers_read_listed_products_and_write_nothing(
    listed, api, operator_admin, resources
):
    from apps.products import services

    draft_product = services.product_create(
        user=operator_admin, data=product_data(listed.agreement, resources, name="草稿")
    )
    assert api.get(f"{BASE}{listed.pk}/").status_code == 200
    assert api.get(f"{BASE}{draft_product.pk}/").status_code == 404
    assert api.post(BASE, {}, format="json").status_code == 401
    for verb in ACTIONS:
        assert api.post(f"{BASE}{listed.pk}/{verb}/", {}, format="json").status_code == 401


def test_the_operator_cannot_decide_its_own_product(in_review, operator_admin):
    response = api_for(operator_admin).post(f"{BASE}{in_review.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == P.IN_REVIEW


def test_probing_a_hidden_product_is_audited_for_its_owner(draft_product, outsider):
    api_for(outsider).get(f"{BASE}{draft_product.pk}/")
    assert AuditEvent.objects.filter(
        outcome="denied",
        target_id=str(draft_product.pk),
        target_org_id=draft_product.operator_id,
    ).exists()


def test_a_refused_product_is_audited(operator_admin, effective, resources):
    before = AuditEvent.objects.filter(outcome="denied").count()
    api_for(operator_admin).post(
        BASE, product_data(effective, resources, price="99999"), format="json"
    )
    assert AuditEvent.objects.filter(outcome="denied").count() == before + 1


def test_an_outsider_cannot_delete_a_draft(draft_product, outsider, api):
    assert api_for(outsider).delete(f"{BASE}{draft_product.pk}/").status_code == 404
    assert api.delete(f"{BASE}{draft_product.pk}/").status_code == 401
    draft_product.refresh_from_db()
