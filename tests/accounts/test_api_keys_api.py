"""/api/v1/api-keys/: create (secret shown once), list, read, revoke; outsiders see nothing."""

import pytest
from rest_framework.test import APIClient

from apps.accounts import services
from tests.conftest import api_for, login_web

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant_key(merchant):
    key, _raw = services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="existing"
    )
    return key


def signed_in(user) -> APIClient:
    """Keys are made by a person (a key cannot make keys): a session, not a key."""
    client = APIClient()
    client.force_login(user)
    return client


def test_creating_a_key_returns_the_secret_once(merchant):
    client = signed_in(merchant)
    response = client.post(
        "/api/v1/api-keys/", {"name": "etl", "allowed_ips": ["203.0.113.7"]}, format="json"
    )
    assert response.status_code == 201
    created = response.json()
    assert created["key"].startswith(f"pdp_{created['prefix']}_")
    detail = client.get(f"/api/v1/api-keys/{created['id']}/").json()
    assert "key" not in detail
    assert created["key"] not in client.get("/api/v1/api-keys/").content.decode()


def test_the_new_key_works_and_lists_its_organization(merchant):
    raw = signed_in(merchant).post("/api/v1/api-keys/", {"name": "n"}, format="json").json()["key"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me/").json()["organization"]["id"] == merchant.organization.pk


def test_invalid_expiry_gets_a_field_error(merchant):
    response = signed_in(merchant).post(
        "/api/v1/api-keys/", {"name": "n", "expires_at": "2001-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_expiry"
    assert "expires_at" in response.json()["details"]


def test_a_plain_member_cannot_create_keys(web, operator_member):
    login_web(web, operator_member)
    response = web.post("/api/v1/api-keys/", {"name": "n"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_outsider_cannot_list_read_or_revoke_another_organizations_key(merchant_key, outsider):
    client = api_for(outsider)
    listed = [k["id"] for k in client.get("/api/v1/api-keys/").json()["results"]]
    assert merchant_key.pk not in listed
    assert client.get(f"/api/v1/api-keys/{merchant_key.pk}/").status_code == 404
    response = client.post(f"/api/v1/api-keys/{merchant_key.pk}/revoke/", {}, format="json")
    assert response.status_code == 404
    merchant_key.refresh_from_db()
    assert merchant_key.revoked_at is None


def test_revoking_through_the_api_then_again_is_a_conflict(merchant, merchant_key):
    client = api_for(merchant)
    url = f"/api/v1/api-keys/{merchant_key.pk}/revoke/"
    assert client.post(url, {"reason": "leaked"}, format="json").json()["status"] == "revoked"
    again = client.post(url, {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_revoked"


def test_a_regulator_sees_every_organizations_keys(web, regulator, merchant_key):
    login_web(web, regulator)
    listed = [k["id"] for k in web.get("/api/v1/api-keys/").json()["results"]]
    assert merchant_key.pk in listed


def test_listing_keys_costs_a_fixed_number_of_queries(merchant, django_assert_max_num_queries):
    for n in range(30):
        services.api_key_create(
            organization=merchant.organization, created_by=merchant, name=f"{n}"
        )
    client = api_for(merchant)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/api-keys/?page_size=25")
    assert len(response.json()["results"]) == 25
    assert response.json()["next"]


def test_organizations_endpoint_shows_only_your_own_unless_regulator(merchant, outsider):
    client = api_for(outsider)
    ids = [o["id"] for o in client.get("/api/v1/organizations/").json()]
    assert ids == [outsider.organization.pk]
    assert client.get(f"/api/v1/organizations/{merchant.organization.pk}/").status_code == 404


def test_anonymous_callers_get_401_on_every_endpoint(api, merchant_key):
    for method, url in [
        ("get", "/api/v1/me/"),
        ("get", "/api/v1/organizations/"),
        ("get", "/api/v1/api-keys/"),
        ("post", "/api/v1/api-keys/"),
        ("get", f"/api/v1/api-keys/{merchant_key.pk}/"),
        ("post", f"/api/v1/api-keys/{merchant_key.pk}/revoke/"),
    ]:
        response = getattr(api, method)(url)
        assert response.status_code == 401, url
