import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.operators import services
from apps.operators.choices import AgreementStatus as A
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import AuthorizationAgreement
from tests.conftest import api_for
from tests.operators.conftest import PDF, agreement_data, credit_code, profile_data

BASE = "/api/v1/operators"


def jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def test_operator_builds_profile_uploads_and_applies(operator_admin, regulator):
    client = api_for(operator_admin)
    response = client.post(f"{BASE}/profiles/", jsonable(profile_data()), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    upload = SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf")
    response = client.post(f"{BASE}/profiles/{pk}/documents/", {"kind": "licence", "file": upload})
    assert response.status_code == 201 and len(response.json()["sha256"]) == 64
    assert (
        client.post(f"{BASE}/profiles/{pk}/apply/", {}, format="json").json()["status"] == Q.APPLIED
    )
    reg = api_for(regulator)
    assert reg.post(f"{BASE}/profiles/{pk}/review/").json()["status"] == Q.UNDER_REVIEW
    assert (
        reg.post(f"{BASE}/profiles/{pk}/approve/", {}, format="json").json()["status"]
        == Q.QUALIFIED
    )
    history = client.get(f"{BASE}/profiles/{pk}/history/").json()
    assert [h["to_status"] for h in history] == ["applied", "under_review", "qualified"]


def test_invalid_credit_code_is_a_422_with_details(operator_admin):
    data = jsonable(profile_data(credit_code="91350100M000100Y44"))
    response = api_for(operator_admin).post(f"{BASE}/profiles/", data, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_credit_code"
    assert "credit_code" in response.json()["details"]


def test_unknown_field_is_refused(operator_admin):
    data = {**jsonable(profile_data()), "status": "qualified"}
    response = api_for(operator_admin).post(f"{BASE}/profiles/", data, format="json")
    assert response.status_code == 400 and response.json()["code"] == "unknown_field"


def test_operator_cannot_approve_itself(profile, operator_admin):
    response = api_for(operator_admin).post(
        f"{BASE}/profiles/{profile.pk}/suspend/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_suspend_needs_a_reason(profile, regulator):
    response = api_for(regulator).post(
        f"{BASE}/profiles/{profile.pk}/suspend/", {"reason": ""}, format="json"
    )
    assert response.status_code == 422 and response.json()["code"] == "reason_required"


def test_agreement_life_cycle_over_the_api(profile, operator_admin, regulator, resources):
    client, reg = api_for(operator_admin), api_for(regulator)
    response = client.post(
        f"{BASE}/agreements/", jsonable(agreement_data(regulator, resources)), format="json"
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert len(response.json()["scope"]) == 2
    refused = client.post(f"{BASE}/agreements/{pk}/submit/", {}, format="json")
    assert refused.status_code == 422 and refused.json()["code"] == "document_missing"
    assert list(refused.json()["details"]) == ["document"]
    upload = SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")
    assert (
        len(
            client.post(f"{BASE}/agreements/{pk}/document/", {"file": upload}).json()[
                "document_sha256"
            ]
        )
        == 64
    )
    assert (
        client.post(f"{BASE}/agreements/{pk}/submit/", {}, format="json").json()["status"]
        == A.UNDER_REVIEW
    )
    body = reg.post(f"{BASE}/agreements/{pk}/approve/", {}, format="json").json()
    assert body["status"] == A.PUBLIC_NOTICE
    with time_machine.travel(body["notice_ends_at"]):
        services.agreement_close_notice(agreement_id=pk)
    check = client.post(
        f"{BASE}/agreements/{pk}/scope-check/",
        {"resource": resources[0].pk, "fields": ["legal_rep"]},
        format="json",
    ).json()
    assert check == {
        "allowed": False,
        "reason_code": "fields_not_in_scope",
        "reason": check["reason"],
    }
    response = client.post(f"{BASE}/agreements/{pk}/amend/", {"price_cap": "100.00"}, format="json")
    assert response.status_code == 201 and response.json()["version"] == 2
    diff = client.get(f"{BASE}/agreements/{response.json()['id']}/diff/").json()
    assert diff == [
        {"field": "price_cap", "label": diff[0]["label"], "before": "5000.00", "after": "100.00"}
    ]
    assert (
        reg.post(f"{BASE}/agreements/{pk}/suspend/", {"reason": "检查"}, format="json").json()[
            "status"
        ]
        == A.SUSPENDED
    )
    again = reg.post(f"{BASE}/agreements/{pk}/suspend/", {"reason": "检查"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_suspended"
    assert (
        reg.post(f"{BASE}/agreements/{pk}/resume/", {}, format="json").json()["status"]
        == A.EFFECTIVE
    )
    assert [e["to_status"] for e in client.get(f"{BASE}/agreements/{pk}/history/").json()][-2:] == [
        "suspended",
        "effective",
    ]


def test_term_over_maximum_is_a_422(profile, operator_admin, regulator, resources):
    data = agreement_data(regulator, resources)
    data["term_end"] = data["term_start"].replace(year=data["term_start"].year + 6)
    response = api_for(operator_admin).post(f"{BASE}/agreements/", jsonable(data), format="json")
    assert response.status_code == 422 and response.json()["code"] == "term_too_long"


@pytest.mark.parametrize(
    ("start", "end"), [("9998-01-01", "9999-12-31"), ("0001-01-01", "0001-06-01")]
)
def test_a_term_at_the_ends_of_the_calendar_is_a_400_and_writes_nothing(
    profile, operator_admin, regulator, resources, start, end
):
    # Its five-year bound fell beyond year 9999: a ValueError, a 500.
    data = {**jsonable(agreement_data(regulator, resources)), "term_start": start, "term_end": end}
    response = api_for(operator_admin).post(f"{BASE}/agreements/", data, format="json")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "validation_error"
    assert "1900-01-01" in body["details"]["term_start"][0]
    assert not AuthorizationAgreement.objects.exists()


def test_scope_with_core_data_is_a_422(
    profile, operator_admin, regulator, resources, core_resource
):
    data = agreement_data(regulator, resources, scope=[{"resource": core_resource.pk}])
    response = api_for(operator_admin).post(f"{BASE}/agreements/", jsonable(data), format="json")
    assert response.status_code == 422 and response.json()["code"] == "scope_not_authorizable"


def test_merchant_may_object_during_notice(draft_agreement, operator_admin, regulator, merchant):
    services.agreement_submit(agreement=draft_agreement, user=operator_admin)
    services.agreement_approve(agreement=draft_agreement, reviewer=regulator)
    response = api_for(merchant).post(
        f"{BASE}/agreements/{draft_agreement.pk}/object/", {"reason": "范围过宽"}, format="json"
    )
    assert response.status_code == 201 and response.json()["reason"] == "范围过宽"
    draft_agreement.refresh_from_db()
    assert draft_agreement.status == A.UNDER_REVIEW


@time_machine.travel("2027-03-10 10:00+08:00")
def test_annual_report_over_the_api(profile, operator_admin, regulator):
    client = api_for(operator_admin)
    response = client.post(f"{BASE}/reports/", {"content": "年度报告"}, format="json")
    assert response.status_code == 201 and response.json()["year"] == 2026
    pk = response.json()["id"]
    response = api_for(regulator).post(
        f"{BASE}/reports/{pk}/return/", {"reason": "补充"}, format="json"
    )
    assert response.json()["status"] == "returned"
    assert (
        api_for(operator_admin).post(f"{BASE}/reports/{pk}/accept/", {}, format="json").status_code
        == 403
    )


def test_disclosure_lists_only_effective_agreements(
    effective, draft_agreement, regulator, operator_admin, resources
):
    # draft_agreement is the same object as effective here; make a second, unsubmitted draft
    from apps.catalog import services as catalog
    from tests.catalog.conftest import payload, register

    provider = resources[0].created_by
    other = register(
        catalog.resource_create(user=provider, data=payload(name="另一个")), provider, regulator
    )
    services.agreement_create(
        user=operator_admin,
        data=agreement_data(regulator, resources, scope=[{"resource": other.pk}]),
    )
    response = APIClient().get("/api/v1/disclosure/agreements/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["number"] for r in rows] == [effective.number]
    row = rows[0]
    assert row["operator"] == effective.operator.name and row["price_cap"] == "5000.00"
    assert {s["resource"]["id"] for s in row["scope"]} == {r.pk for r in resources}
    services.agreement_suspend(agreement=effective, reviewer=regulator, reason="检查")
    assert APIClient().get("/api/v1/disclosure/agreements/").json()["results"] == []


def test_disclosure_list_query_count(effective, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        APIClient().get("/api/v1/disclosure/agreements/")


# -- outsiders and anonymous visitors ------------------------------------------------

DETAIL_ENDPOINTS = [
    ("get", "profiles/{profile}/"),
    ("patch", "profiles/{profile}/"),
    ("get", "profiles/{profile}/documents/"),
    ("post", "profiles/{profile}/documents/"),
    ("get", "profiles/{profile}/history/"),
    *[
        ("post", f"profiles/{{profile}}/{a}/")
        for a in (
            "apply",
            "review",
            "approve",
            "return",
            "suspend",
            "reinstate",
            "revoke",
            "exit",
            "rereview",
        )
    ],
    ("get", "agreements/{draft}/"),
    ("patch", "agreements/{draft}/"),
    ("post", "agreements/{draft}/document/"),
    ("get", "agreements/{draft}/diff/"),
    ("get", "agreements/{draft}/history/"),
    ("post", "agreements/{draft}/scope-check/"),
    *[
        ("post", f"agreements/{{draft}}/{a}/")
        for a in (
            "submit",
            "approve",
            "return",
            "object",
            "suspend",
            "resume",
            "revoke",
            "terminate",
            "amend",
        )
    ],
    ("get", "reports/{report}/"),
    ("post", "reports/{report}/accept/"),
    ("post", "reports/{report}/return/"),
]


@pytest.fixture
def objects(draft_agreement, profile, operator_admin):
    with time_machine.travel("2027-03-10 10:00+08:00"):
        report = services.report_file(user=operator_admin, content="x")
    return {"profile": profile.pk, "draft": draft_agreement.pk, "report": report.pk}


@pytest.mark.parametrize(("method", "path"), DETAIL_ENDPOINTS)
def test_outsider_gets_404_everywhere(objects, outsider, method, path):
    response = getattr(api_for(outsider), method)(
        f"{BASE}/{path.format(**objects)}", {}, format="json"
    )
    assert response.status_code == 404, response.content


# Agreement reads are open to anonymous callers (issue 8 §3.4: agreements under public
# notice are public); they see only those, see tests/operators/test_agreement_defects.py.
ANONYMOUS_READS = {("get", "agreements/{draft}/"), ("get", "agreements/")}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        *(e for e in DETAIL_ENDPOINTS if e not in ANONYMOUS_READS),
        ("get", "profiles/"),
        ("post", "profiles/"),
        ("post", "agreements/"),
        ("get", "reports/"),
        ("post", "reports/"),
    ],
)
def test_anonymous_gets_401_everywhere(objects, method, path):
    response = getattr(APIClient(), method)(f"{BASE}/{path.format(**objects)}", {}, format="json")
    assert response.status_code == 401


def test_anonymous_reads_of_agreements_show_nothing_outside_public_notice(objects):
    client = APIClient()
    assert client.get(f"{BASE}/agreements/{objects['draft']}/").status_code == 404
    assert client.get(f"{BASE}/agreements/").json()["results"] == []


def test_outsider_lists_are_empty(objects, outsider):
    client = api_for(outsider)
    for path in ("profiles/", "agreements/", "reports/"):
        assert client.get(f"{BASE}/{path}").json()["results"] == []


def test_outsider_cannot_create_for_others(outsider, regulator, resources):
    client = api_for(outsider)
    assert (
        client.post(
            f"{BASE}/profiles/", jsonable(profile_data(credit_code=credit_code(3))), format="json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{BASE}/agreements/", jsonable(agreement_data(regulator, resources)), format="json"
        ).status_code
        == 403
    )
    assert client.post(f"{BASE}/reports/", {"content": "x"}, format="json").status_code == 403


def test_outsider_sees_effective_agreement_but_cannot_touch_it(effective, outsider):
    client = api_for(outsider)
    assert client.get(f"{BASE}/agreements/{effective.pk}/").status_code == 200
    for action in ("suspend", "revoke", "terminate"):
        response = client.post(
            f"{BASE}/agreements/{effective.pk}/{action}/", {"reason": "x"}, format="json"
        )
        assert response.status_code == 403
    assert (
        client.post(f"{BASE}/agreements/{effective.pk}/amend/", {}, format="json").status_code
        == 403
    )


def test_documents_larger_than_the_api_body_cap_upload_through_the_api(operator_admin, settings):
    # given a 3 MB scan: above the 1 MiB cap on other API bodies, under the document limit
    client = api_for(operator_admin)
    pk = client.post(f"{BASE}/profiles/", jsonable(profile_data()), format="json").json()["id"]
    scan = PDF + b"0" * (3 * 1024 * 1024)
    upload = SimpleUploadedFile("licence.pdf", scan, content_type="application/pdf")
    response = client.post(f"{BASE}/profiles/{pk}/documents/", {"kind": "licence", "file": upload})
    assert response.status_code == 201, response.content[:200]
    # and a JSON body of the same size elsewhere is still refused
    big = client.post(f"{BASE}/profiles/", {"legal_representative": "x" * 2_000_000}, format="json")
    assert big.status_code == 413


@pytest.mark.parametrize("year", [40000, 99999999999])
def test_an_annual_report_for_an_impossible_year_is_a_400(profile, operator_admin, year):
    client = api_for(operator_admin)
    response = client.post(f"{BASE}/reports/", {"content": "年度报告", "year": year}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert "year" in response.json()["details"]
