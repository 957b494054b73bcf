"""Bearer keys: revoked, expired, wrong-IP and forged keys get 401 with a JSON code."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import ApiKey

pytestmark = pytest.mark.django_db


def bearer(raw: str, **extra) -> APIClient:
    client = APIClient(**extra)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def issued(merchant):
    return services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="k"
    )


def test_a_valid_key_authenticates_as_its_organization(issued, merchant):
    key, raw = issued
    body = bearer(raw).get("/api/v1/me/").json()
    assert body["organization"]["id"] == merchant.organization.pk
    assert body["authenticated_by"] == "api_key"
    key.refresh_from_db()
    assert key.last_used_at is not None and key.last_used_ip == "127.0.0.1"


def test_a_revoked_key_is_refused_on_the_very_next_request(issued, merchant):
    key, raw = issued
    assert bearer(raw).get("/api/v1/me/").status_code == 200
    services.api_key_revoke(api_key=key, actor=merchant)
    response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "api_key_revoked"


def test_an_expired_key_is_refused(issued):
    key, raw = issued
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "api_key_expired"


def test_a_key_is_refused_outside_its_ip_allow_list(merchant):
    _key, raw = services.api_key_create(
        organization=merchant.organization,
        created_by=merchant,
        name="k",
        allowed_ips=["203.0.113.0/24"],
    )
    outside = bearer(raw, REMOTE_ADDR="198.51.100.1").get("/api/v1/me/")
    assert outside.status_code == 401
    assert outside.json()["code"] == "api_key_ip_not_allowed"
    assert bearer(raw, REMOTE_ADDR="203.0.113.50").get("/api/v1/me/").status_code == 200


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(merchant, settings):
    _key, raw = services.api_key_create(
        organization=merchant.organization,
        created_by=merchant,
        name="k",
        allowed_ips=["203.0.113.0/24"],
    )
    spoofed = bearer(raw, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert spoofed.get("/api/v1/me/").status_code == 401
    settings.TRUSTED_PROXY_COUNT = 1
    assert spoofed.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        "nonsense",
        "pdp_deadbeef_wrong-secret",
        "pdp_x",
        "pdp_deadbeef_a b",
        # Hostile prefixes never reach the database.
        "pdp_" + "a" * 5000 + "_x",
        "pdp_DEADBEEF_secret",
        # Not latin-1: no HTTP server passes it, the test client does.
        "pdp_é中_x",
    ],
)
def test_forged_or_malformed_keys_are_refused(issued, raw):
    response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "api_key_invalid"


@pytest.mark.parametrize("raw", ["pdp_dead\x00beef_secret", "pdp_\x00_x"])
def test_a_nul_in_a_key_is_refused_before_the_database(issued, raw):
    """Over HTTP the header guard answers first (400 nul_character); the service refuses
    it too, for any other caller (a NUL reaching PostgreSQL was a 500)."""
    response = bearer(raw).get("/api/v1/me/")
    assert (response.status_code, response.json()["code"]) == (400, "nul_character")
    with pytest.raises(services.ApiKeyError) as refused:
        services.api_key_authenticate(raw_key=raw, ip="127.0.0.1")
    assert refused.value.code == "api_key_invalid"


def test_a_right_prefix_with_a_wrong_secret_is_refused(issued):
    key, _raw = issued
    response = bearer(f"pdp_{key.prefix}_guessed").get("/api/v1/me/")
    assert response.json()["code"] == "api_key_invalid"


def test_a_key_of_a_deactivated_organization_is_refused(issued, merchant):
    _key, raw = issued
    merchant.organization.is_active = False
    merchant.organization.save()
    assert bearer(raw).get("/api/v1/me/").json()["code"] == "api_key_inactive"
