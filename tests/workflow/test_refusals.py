"""Every refusal is audited and attributed to the owner of what was probed; the owner
reads who probed as an organization, not as a person's address and browser."""

import pytest
from django.db.models import Max

from apps.audit.choices import Outcome
from apps.audit.models import AuditEvent
from apps.catalog import services as catalog
from apps.operators import services as operators
from tests.catalog.conftest import payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def denial():
    """Denials are written out of band and outlive each test: read only this test's."""
    since = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0

    def find(**filters) -> AuditEvent:
        return AuditEvent.objects.get(outcome=Outcome.DENIED, id__gt=since, **filters)

    return find


@pytest.fixture
def report(operator_admin, profile):
    return operators.report_file(user=operator_admin, content="年度报告", year=2025)


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ("profiles", "operatorprofile.view"),
        ("agreements", "authorizationagreement.view"),
        ("reports", "annualreport.view"),
    ],
)
def test_an_outsider_retrieving_an_operators_object_gets_404_and_a_denial_for_the_operator(
    request, api, outsider, operator_admin, path, action, denial
):
    obj = {
        "profiles": lambda: request.getfixturevalue("profile"),
        "agreements": lambda: request.getfixturevalue("draft_agreement"),
        "reports": lambda: request.getfixturevalue("report"),
    }[path]()
    api.force_authenticate(outsider)

    response = api.get(f"/api/v1/operators/{path}/{obj.pk}/")

    assert response.status_code == 404
    event = denial(action=action, target_id=str(obj.pk))
    assert event.reason == "not_visible"
    assert event.actor_org_id == outsider.organization_id
    assert event.target_org_id == operator_admin.organization_id


def test_an_outsider_probing_a_draft_resource_is_recorded_for_the_provider(
    api, outsider, provider, denial
):
    draft = catalog.resource_create(user=provider, data=payload())
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/catalog/resources/{draft.pk}/").status_code == 404
    assert denial(action="dataresource.view").target_org_id == provider.organization_id


def test_an_outsider_probing_an_organization_is_recorded_for_that_organization(
    api, outsider, merchant, denial
):
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/organizations/{merchant.organization_id}/").status_code == 404
    assert denial(action="organization.view").target_org_id == merchant.organization_id


def test_the_operator_reads_who_probed_its_agreement_as_an_organization_not_a_person(
    api, outsider, operator_admin, draft_agreement
):
    api.force_authenticate(outsider)
    api.get(
        f"/api/v1/operators/agreements/{draft_agreement.pk}/",
        HTTP_USER_AGENT="outsider-browser/1",
        REMOTE_ADDR="198.51.100.7",
    )
    api.force_authenticate(operator_admin)

    rows = api.get("/api/v1/audit/events/", {"action": "authorizationagreement.view"}).json()
    response = api.get("/api/v1/audit/events/export/jsonl/")
    export = b"".join(response.streaming_content).decode()

    (row,) = rows["results"]
    assert row["actor_org_id"] == outsider.organization_id
    assert row["ip"] == row["user_agent"] == row["actor_label"] == row["actor_id"] == ""
    assert "198.51.100.7" not in export and "outsider-browser" not in export


def test_the_regulator_reads_the_person_behind_a_probe(api, outsider, regulator, draft_agreement):
    api.force_authenticate(outsider)
    api.get(f"/api/v1/operators/agreements/{draft_agreement.pk}/", HTTP_USER_AGENT="ua/1")
    api.force_authenticate(regulator)
    query = {"action": "authorizationagreement.view", "target_id": draft_agreement.pk}
    rows = api.get("/api/v1/audit/events/", query).json()
    (row,) = rows["results"]
    assert row["actor_label"] == "outsider" and row["user_agent"] == "ua/1"


def test_an_organization_reads_its_own_peoples_addresses(api, operator_admin, draft_agreement):
    api.force_authenticate(operator_admin)
    api.post(f"/api/v1/operators/agreements/{draft_agreement.pk}/approve/", HTTP_USER_AGENT="own/1")
    rows = api.get("/api/v1/audit/events/", {"action": "authorizationagreement.decide"}).json()
    (row,) = rows["results"]
    assert row["actor_label"] == "operator_admin" and row["user_agent"] == "own/1"
