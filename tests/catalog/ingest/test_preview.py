"""The preview shows the first rows masked, to the provider and regulators only."""

import pytest

from apps.catalog.choices import MaskingRule
from apps.catalog.ingest import selectors
from apps.core.exceptions import PermissionDeniedError
from tests.catalog.ingest.conftest import ROWS, csv_bytes, ingest, make_resource
from tests.conftest import api_for, login_web

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(provider, resource):
    ingest(resource, provider, csv_bytes(ROWS))
    resource.refresh_from_db()
    return resource


def test_rows_are_masked_by_each_fields_default_rule(provider, published):
    preview = selectors.dataset_preview(resource=published, user=provider)

    names = [c["name"] for c in preview["columns"]]
    first = dict(zip(names, preview["rows"][0], strict=True))
    assert first["name"] == "张*"
    assert first["id_number"] == "110101********1234"
    assert first["mobile"] == "138****5678"
    assert first["address"] == "北京市东城区****"
    assert (first["age"], first["income"], first["member"]) == ("34", "1234.56", "true")
    assert (first["born"], first["updated"]) == ("1990-03-07", "2024-05-01 08:30:00")
    second = dict(zip(names, preview["rows"][1], strict=True))
    assert second["name"] == "欧阳**"
    assert preview["rows"][2][names.index("mobile")] is None
    assert preview["version"].number == 1


def test_redacted_fields_are_left_out(provider, published):
    published.fields.filter(name="id_number").update(masking=MaskingRule.REDACT)
    preview = selectors.dataset_preview(resource=published, user=provider)
    assert "id_number" not in [c["name"] for c in preview["columns"]]
    assert all("110101" not in str(row) for row in preview["rows"])


def test_limit_and_empty_resource(provider, published):
    assert len(selectors.dataset_preview(resource=published, user=provider, limit=1)["rows"]) == 1
    empty = make_resource(provider, name="空")
    assert selectors.dataset_preview(resource=empty, user=provider)["rows"] == []


def test_the_selector_refuses_anyone_else(merchant, published):
    with pytest.raises(PermissionDeniedError):
        selectors.dataset_preview(resource=published, user=merchant)


def test_provider_and_regulator_see_the_preview_in_the_api(provider, regulator, published):
    for user in (provider, regulator):
        response = api_for(user).get(f"/api/v1/catalog/resources/{published.pk}/preview/")
        assert response.status_code == 200
        body = response.json()
        assert body["version"]["number"] == 1
        assert body["rows"][0][0] == "张*"
        assert "13812345678" not in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "merchant", "operator_admin"])
def test_anyone_else_gets_404_from_the_api(request, published, persona):
    client = api_for(request.getfixturevalue(persona))
    response = client.get(f"/api/v1/catalog/resources/{published.pk}/preview/")
    assert response.status_code == 404


def test_anonymous_gets_401_from_the_api(api, published):
    response = api.get(f"/api/v1/catalog/resources/{published.pk}/preview/")
    assert response.status_code == 401


def test_portal_preview_for_the_provider_and_regulator(web, provider, regulator, published):
    for user in (provider, regulator):
        web.logout()
        response = login_web(web, user).get(f"/portal/resources/{published.pk}/preview/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "138****5678" in page
        assert "13812345678" not in page


def test_portal_preview_is_404_for_others_and_a_login_for_anonymous(web, merchant, published):
    url = f"/portal/resources/{published.pk}/preview/"
    assert web.get(url).status_code == 302
    assert login_web(web, merchant).get(url).status_code == 404


def test_opening_the_preview_is_recorded_but_the_selector_writes_nothing(provider, published):
    from apps.audit.models import AuditEvent
    from apps.catalog.ingest.previews import dataset_preview_open

    selectors.dataset_preview(resource=published, user=provider)
    assert not AuditEvent.objects.filter(action="catalog.datasetversion.preview").exists()

    dataset_preview_open(resource=published, user=provider)
    event = AuditEvent.objects.get(action="catalog.datasetversion.preview")
    assert event.target_org_id == provider.organization_id
