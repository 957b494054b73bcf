"""What a party may read of an object, not only whether: history notes, objections and
agreement fields go through the policy (visible_history, readable_fields)."""

import pytest

from apps.catalog import services as catalog
from apps.operators import services as operators
from tests.catalog.conftest import payload, register
from tests.conftest import login_web
from tests.operators.conftest import pdf, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def change_under_review(provider, regulator, outsider):
    """A registered resource whose change went to notice, drew an objection and is back
    in review: every kind of note is in its history."""
    resource = register(catalog.resource_create(user=provider, data=payload()), provider, regulator)
    catalog.resource_open_follow_up(
        resource=resource,
        user=provider,
        kind="change",
        data={"description": "新描述"},
        note="provider change note",
    )
    catalog.resource_start_review(resource=resource, reviewer=regulator)
    catalog.resource_approve(resource=resource, reviewer=regulator, note="regulator review note")
    catalog.resource_object(resource=resource, user=outsider, reason="outsider objection reason")
    return resource


PRIVATE = ("provider change note", "regulator review note", "outsider objection reason")


def history(api, user, resource) -> str:
    api.force_authenticate(user)
    response = api.get(f"/api/v1/catalog/resources/{resource.pk}/history/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_merchant_reads_the_moves_of_a_resource_but_no_notes_or_names(
    api, merchant, change_under_review
):
    body = history(api, merchant, change_under_review)
    assert "public_notice" in body
    for text in (*PRIVATE, "outsider", '"regulator"', '"provider"'):
        assert text not in body


def test_an_objector_reads_its_own_objection_and_not_the_review_notes(
    api, outsider, change_under_review
):
    body = history(api, outsider, change_under_review)
    assert "outsider objection reason" in body
    assert "regulator review note" not in body
    assert "provider change note" not in body


def test_the_provider_and_the_regulator_read_every_note(
    api, provider, regulator, change_under_review
):
    for party in (provider, regulator):
        body = history(api, party, change_under_review)
        assert all(text in body for text in PRIVATE)


def test_the_portal_resource_page_shows_a_merchant_no_notes_or_objectors(
    web, merchant, change_under_review
):
    login_web(web, merchant)
    page = web.get(f"/portal/resources/{change_under_review.pk}/").content.decode()
    for text in PRIVATE:
        assert text not in page


def test_the_objections_list_shows_an_objector_only_its_own(
    api, merchant, outsider, change_under_review
):
    api.force_authenticate(merchant)
    url = f"/api/v1/catalog/resources/{change_under_review.pk}/objections/"
    assert api.get(url).json() == []
    api.force_authenticate(outsider)
    assert [o["reason"] for o in api.get(url).json()] == ["outsider objection reason"]


@pytest.fixture
def agreement_under_notice(draft_agreement, operator_admin, regulator):
    operators.agreement_update(
        agreement=draft_agreement, user=operator_admin, data={"security_obligations": OBLIGATION}
    )
    agreement = operators.agreement_attach_document(
        agreement=draft_agreement, user=operator_admin, upload=pdf("signed.pdf")
    )
    operators.agreement_submit(agreement=agreement, user=operator_admin, note="submission note")
    operators.agreement_return(agreement=agreement, reviewer=regulator, reason="return reason")
    operators.agreement_submit(agreement=agreement, user=operator_admin, note="second note")
    return operators.agreement_approve(agreement=agreement, reviewer=regulator, note="ok note")


OBLIGATION = "obligations-of-this-agreement"
AGREEMENT_PRIVATE = ("submission note", "return reason", "second note", "ok note")


def test_a_merchant_reads_no_return_reasons_or_submission_notes_of_an_agreement(
    api, merchant, agreement_under_notice
):
    api.force_authenticate(merchant)
    url = f"/api/v1/operators/agreements/{agreement_under_notice.pk}/history/"
    body = api.get(url).content.decode()
    assert "public_notice" in body
    for text in (*AGREEMENT_PRIVATE, "operator_admin", '"regulator"'):
        assert text not in body


def test_a_merchant_reads_of_an_agreement_what_the_disclosure_shows(
    api, merchant, agreement_under_notice
):
    api.force_authenticate(merchant)
    body = api.get(f"/api/v1/operators/agreements/{agreement_under_notice.pk}/").json()
    assert body["title"] and body["scope"] and body["status"] == "public_notice"
    for hidden in ("security_obligations", "document_name", "document_sha256"):
        assert hidden not in body


def test_the_operator_reads_its_agreement_whole_with_its_correspondence(
    api, operator_admin, agreement_under_notice
):
    api.force_authenticate(operator_admin)
    agreement = api.get(f"/api/v1/operators/agreements/{agreement_under_notice.pk}/").json()
    assert agreement["security_obligations"] == OBLIGATION
    assert agreement["document_name"] == "signed.pdf"
    url = f"/api/v1/operators/agreements/{agreement_under_notice.pk}/history/"
    body = api.get(url).content.decode()
    assert all(text in body for text in AGREEMENT_PRIVATE)


def test_the_portal_agreement_page_shows_a_merchant_no_obligations_document_or_notes(
    web, merchant, agreement_under_notice
):
    login_web(web, merchant)
    page = web.get(f"/portal/agreements/{agreement_under_notice.pk}/").content.decode()
    assert agreement_under_notice.title in page
    for text in (*AGREEMENT_PRIVATE, OBLIGATION, "signed.pdf", "SHA-256"):
        assert text not in page


def test_the_agreement_list_shows_a_merchant_no_obligations(api, merchant, agreement_under_notice):
    api.force_authenticate(merchant)
    rows = api.get("/api/v1/operators/agreements/").json()["results"]
    assert rows and all("security_obligations" not in row for row in rows)


def test_the_diff_of_an_amendment_under_notice_shows_a_merchant_only_disclosed_terms(
    api, merchant, operator_admin, regulator, effective
):
    new = operators.agreement_amend(
        agreement=effective,
        user=operator_admin,
        data={"security_obligations": "amended obligations", "price_cap": "4000.00"},
    )
    operators.agreement_submit(agreement=signed(new, operator_admin), user=operator_admin)
    operators.agreement_approve(agreement=new, reviewer=regulator)
    url = f"/api/v1/operators/agreements/{new.pk}/diff/"

    api.force_authenticate(merchant)
    assert [row["field"] for row in api.get(url).json()] == ["price_cap"]
    api.force_authenticate(operator_admin)
    fields = {row["field"] for row in api.get(url).json()}
    assert {"price_cap", "security_obligations"} <= fields
