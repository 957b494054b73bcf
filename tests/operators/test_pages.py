import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.operators.choices import AgreementStatus as A
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import AuthorizationAgreement, OperatorProfile
from tests.conftest import login_web
from tests.operators.conftest import PDF, credit_code, pdf


def test_operator_builds_profile_and_applies_on_the_web(operator_admin):
    client = login_web(Client(), operator_admin)
    assert client.get("/portal/operator/profile/").status_code == 200
    data = {
        "credit_code": credit_code(11),
        "legal_representative": "张三",
        "registered_address": "南宁",
        "protection_level": "3",
        "security_officer_name": "李四",
        "security_officer_contact": "123",
    }
    assert client.post("/portal/operator/profile/", data).status_code == 302
    upload = SimpleUploadedFile("l.pdf", PDF, content_type="application/pdf")
    client.post("/portal/operator/documents/", {"kind": "licence", "file": upload})
    client.post("/portal/operator/profile/apply/")
    assert OperatorProfile.objects.get().status == Q.APPLIED


def test_invalid_credit_code_shows_on_the_form(operator_admin):
    client = login_web(Client(), operator_admin)
    response = client.post(
        "/portal/operator/profile/",
        {
            "credit_code": "91350100M000100Y44",
            "legal_representative": "张三",
            "registered_address": "南宁",
            "security_officer_name": "李四",
            "security_officer_contact": "123",
        },
    )
    assert response.status_code == 200 and not OperatorProfile.objects.exists()
    assert response.context["form"].errors["credit_code"]


def test_operator_drafts_and_submits_an_agreement(profile, operator_admin, regulator, resources):
    client = login_web(Client(), operator_admin)
    assert client.get("/portal/agreements/new/").status_code == 200
    response = client.post(
        "/portal/agreements/new/",
        {
            "authority": regulator.organization_id,
            "title": "协议",
            "mode": "overall",
            "term_start": "2026-01-01",
            "term_end": "2029-12-31",
            "allowed_scenarios": "credit, finance",
            "resources": [r.pk for r in resources],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    agreement = AuthorizationAgreement.objects.get()
    assert agreement.allowed_scenarios == ["credit", "finance"]
    assert client.get(f"/portal/agreements/{agreement.pk}/").status_code == 200
    # Without the signed agreement the submission is refused, and the page says why.
    page = client.post(f"/portal/agreements/{agreement.pk}/submit/", follow=True)
    agreement.refresh_from_db()
    assert agreement.status == A.DRAFT
    assert "请先上传签署的协议，再提交审核。" in page.content.decode()
    signed_file = pdf("协议签署版.pdf")
    client.post(f"/portal/agreements/{agreement.pk}/signed-document/", {"file": signed_file})
    client.post(f"/portal/agreements/{agreement.pk}/submit/")
    agreement.refresh_from_db()
    assert agreement.status == A.UNDER_REVIEW and agreement.document_name == "协议签署版.pdf"
    assert client.get("/portal/agreements/").status_code == 200


def agreement_form(regulator, resources) -> dict:
    """A new agreement's form, valid as it is."""
    return {
        "authority": regulator.organization_id,
        "title": "协议",
        "mode": "overall",
        "term_start": "2026-01-01",
        "term_end": "2029-12-31",
        "resources": [r.pk for r in resources],
    }


@pytest.mark.parametrize("field", ["max_revenue", "price_cap"])
def test_amounts_beyond_the_agreement_columns_are_form_errors(
    profile, operator_admin, regulator, resources, field
):
    # The form took any number of digits; the database refused them (a 500).
    client = login_web(Client(), operator_admin)
    data = agreement_form(regulator, resources)
    for value in ("1e30", "123456789012345678.12", "0.001"):
        response = client.post("/portal/agreements/new/", {**data, field: value})
        assert response.status_code == 200, value
        assert response.context["form"].errors[field], value
    assert not AuthorizationAgreement.objects.exists()


@pytest.mark.parametrize("field", ["allowed_scenarios", "prohibited_uses"])
def test_a_scenario_longer_than_an_application_holds_is_a_form_error(
    profile, operator_admin, regulator, resources, field
):
    # The API takes 50 names of 100 characters; the form took any, and an application
    # for a 101-character scenario failed in the database (its column holds 100).
    client = login_web(Client(), operator_admin)
    data = agreement_form(regulator, resources)
    for value in ("x" * 101, ", ".join(f"s{i}" for i in range(51))):
        response = client.post("/portal/agreements/new/", {**data, field: value})
        assert response.status_code == 200, value
        assert response.context["form"].errors[field], value
    assert not AuthorizationAgreement.objects.exists()


def test_regulator_console_suspend_needs_a_reason(effective, profile, regulator):
    client = login_web(Client(), regulator)
    for url in (
        "/console/operators/",
        f"/console/operators/{profile.pk}/",
        "/console/agreements/",
        f"/console/agreements/{effective.pk}/",
        "/console/annual-reports/",
    ):
        assert client.get(url).status_code == 200, url
    client.post(f"/console/agreements/{effective.pk}/suspend/", {"reason": ""})
    effective.refresh_from_db()
    assert effective.status == A.EFFECTIVE
    client.post(f"/console/operators/{profile.pk}/suspend/", {"reason": "整改"})
    effective.refresh_from_db()
    assert effective.status == A.SUSPENDED
    client.post(f"/console/operators/{profile.pk}/reinstate/")
    effective.refresh_from_db()
    assert effective.status == A.EFFECTIVE


def test_disclosure_page_is_public_and_shows_only_effective(effective, draft_agreement, regulator):
    response = Client().get("/disclosure/")
    assert response.status_code == 200
    assert effective.number.encode() in response.content
    from apps.operators import services

    services.agreement_suspend(agreement=effective, reviewer=regulator, reason="检查")
    assert effective.number.encode() not in Client().get("/disclosure/").content


@pytest.mark.parametrize(
    "url",
    [
        "/portal/operator/profile/",
        "/portal/agreements/",
        "/portal/agreements/new/",
        "/portal/reports/",
    ],
)
def test_non_operators_cannot_use_operator_pages(merchant, url):
    assert login_web(Client(), merchant).get(url).status_code == 403


@pytest.mark.parametrize(
    "url", ["/console/operators/", "/console/agreements/", "/console/annual-reports/"]
)
def test_outsider_cannot_use_console_pages(outsider, url):
    assert login_web(Client(), outsider).get(url).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/portal/operator/profile/",
        "/portal/agreements/",
        "/portal/reports/",
        "/console/operators/",
        "/console/agreements/",
    ],
)
def test_anonymous_is_sent_to_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_outsider_cannot_see_or_act_on_a_draft(draft_agreement, outsider, profile):
    client = login_web(Client(), outsider)
    assert client.get(f"/portal/agreements/{draft_agreement.pk}/").status_code == 404
    assert client.post(f"/portal/agreements/{draft_agreement.pk}/submit/").status_code == 404
    assert (
        client.post(f"/console/operators/{profile.pk}/suspend/", {"reason": "x"}).status_code == 403
    )


def test_an_amendment_is_started_edited_and_shows_its_diff_on_the_web(
    effective, operator_admin, outsider, regulator
):
    client = login_web(Client(), operator_admin)
    client.post(f"/portal/agreements/{effective.pk}/amend/")
    new = AuthorizationAgreement.objects.get(number=effective.number, version=2)
    form = client.get(f"/portal/agreements/{new.pk}/edit/").context["form"]
    data = {**form.initial, "price_cap": "88.00", "resources": form.initial["resources"]}
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(f"/portal/agreements/{new.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    new.refresh_from_db()
    assert str(new.price_cap) == "88.00" and new.status == A.DRAFT
    assert "88" in client.get(f"/portal/agreements/{new.pk}/").content.decode()
    effective.refresh_from_db()
    assert effective.status == A.EFFECTIVE  # the version in force is untouched
    outsider_client = login_web(Client(), outsider)
    assert outsider_client.get(f"/portal/agreements/{new.pk}/edit/").status_code in (403, 404)
