"""/api/v1/catalog/resources/: providers write, the regulator reviews, outsiders see only
the registry, anonymous visitors read registered metadata."""

import pytest
from rest_framework.test import APIClient

from apps.catalog.models import DataResource
from tests.catalog.conftest import payload
from tests.conftest import api_for, login_web

pytestmark = pytest.mark.django_db
BASE = "/api/v1/catalog/resources/"


@pytest.fixture
def regulator_api(web, regulator):
    login_web(web, regulator)
    return web


def test_a_provider_creates_a_resource_through_the_api(provider):
    response = api_for(provider).post(BASE, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and len(body["fields"]) == 3
    assert body["provider"]["id"] == provider.organization.pk


def test_bad_metadata_gets_field_errors(provider):
    response = api_for(provider).post(
        BASE, payload(fields=[{"name": "x"}, {"name": "x"}]), format="json"
    )
    assert response.status_code == 422
    assert "fields" in response.json()["details"]
    unknown = api_for(provider).post(BASE, {**payload(), "secret_flag": 1}, format="json")
    assert unknown.json()["code"] == "unknown_field"
    assert not DataResource.objects.exists()


def test_a_merchant_cannot_create_resources(merchant):
    response = api_for(merchant).post(BASE, payload(), format="json")
    assert response.status_code == 403


def test_the_whole_life_cycle_through_the_api(provider, regulator_api, merchant):
    client = api_for(provider)
    rid = client.post(BASE, payload(), format="json").json()["id"]
    assert client.post(f"{BASE}{rid}/submit/", {}, format="json").json()["status"] == "submitted"
    regulator = regulator_api
    assert (
        regulator.post(f"{BASE}{rid}/review/", content_type="application/json").json()["status"]
        == "under_review"
    )
    approved = regulator.post(
        f"{BASE}{rid}/approve/", {"note": "ok"}, content_type="application/json"
    ).json()
    assert approved["status"] == "public_notice" and approved["notice_ends_at"]
    objection = api_for(merchant).post(
        f"{BASE}{rid}/objections/", {"reason": "有异议"}, format="json"
    )
    assert objection.status_code == 201
    assert client.get(f"{BASE}{rid}/").json()["status"] == "under_review"
    history = client.get(f"{BASE}{rid}/history/").json()
    assert [h["to_status"] for h in history][-1] == "under_review"


def test_an_illegal_transition_is_a_409_with_the_states(provider):
    client = api_for(provider)
    rid = client.post(BASE, payload(), format="json").json()["id"]
    response = client.post(f"{BASE}{rid}/withdraw/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_a_provider_cannot_approve_its_own_resource(provider):
    client = api_for(provider)
    rid = client.post(BASE, payload(), format="json").json()["id"]
    client.post(f"{BASE}{rid}/submit/", {}, format="json")
    assert client.post(f"{BASE}{rid}/review/").status_code == 403


def test_an_outsider_neither_sees_nor_touches_a_draft(provider, outsider):
    rid = api_for(provider).post(BASE, payload(), format="json").json()["id"]
    client = api_for(outsider)
    assert client.get(f"{BASE}{rid}/").status_code == 404
    assert rid not in [r["id"] for r in client.get(BASE).json()["results"]]
    for action in ("submit", "withdraw", "review", "approve", "return", "follow-up", "objections"):
        assert client.post(f"{BASE}{rid}/{action}/", {}, format="json").status_code == 404, action
    for action in ("history", "objections"):
        assert client.get(f"{BASE}{rid}/{action}/").status_code == 404, action
    assert client.patch(f"{BASE}{rid}/", {"name": "x"}, format="json").status_code == 404


def test_anonymous_visitors_read_registered_resources_only(registered, provider):
    draft_id = api_for(provider).post(BASE, payload(name="草稿"), format="json").json()["id"]
    anonymous = APIClient()
    ids = [r["id"] for r in anonymous.get(BASE).json()["results"]]
    assert registered.pk in ids and draft_id not in ids
    assert anonymous.get(f"{BASE}{draft_id}/").status_code == 404
    assert anonymous.post(BASE, payload(), format="json").status_code == 401
    assert (
        anonymous.post(
            f"{BASE}{registered.pk}/objections/", {"reason": "x"}, format="json"
        ).status_code
        == 401
    )


def test_a_change_through_the_api_keeps_the_public_record_until_registered(registered, provider):
    client = api_for(provider)
    response = client.post(
        f"{BASE}{registered.pk}/follow-up/",
        {"kind": "change", "data": {"description": "新描述"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["registration_kind"] == "change"
    assert APIClient().get(f"{BASE}{registered.pk}/").json()["description"] != "新描述"


def test_listing_costs_a_fixed_number_of_queries(provider, django_assert_max_num_queries):
    client = api_for(provider)
    for n in range(12):
        client.post(BASE, payload(name=f"资源{n}"), format="json")
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}?page_size=10&mine=1")
    assert len(response.json()["results"]) == 10
