from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import ApiKey
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from tests.conftest import api_for, login_web

pytestmark = pytest.mark.django_db


def create(user, **kwargs):
    return services.api_key_create(
        organization=user.organization, created_by=user, name="robot", **kwargs
    )


def test_a_created_key_is_stored_only_as_a_hash_with_a_visible_prefix(merchant):
    key, raw = create(merchant)
    assert raw.startswith(f"pdp_{key.prefix}_")
    assert raw not in {key.key_hash, key.prefix}
    assert key.key_hash == ApiKey.hash_secret(raw)
    assert key.expires_at > timezone.now() + timedelta(days=89)


def test_expiry_beyond_the_maximum_is_refused(merchant, settings):
    settings.API_KEY_MAX_DAYS = 30
    with pytest.raises(InvalidInput) as error:
        create(merchant, expires_at=timezone.now() + timedelta(days=31))
    assert error.value.code == "invalid_expiry"
    assert not ApiKey.objects.exists()


def test_expiry_in_the_past_is_refused(merchant):
    with pytest.raises(InvalidInput):
        create(merchant, expires_at=timezone.now() - timedelta(minutes=1))


def test_allowed_ips_are_normalized_and_garbage_is_refused(merchant):
    key, _ = create(merchant, allowed_ips=["203.0.113.7", "10.0.0.9/24"])
    assert key.allowed_ips == ["203.0.113.7/32", "10.0.0.0/24"]
    with pytest.raises(InvalidInput) as error:
        create(merchant, allowed_ips=["not-an-ip"])
    assert error.value.code == "invalid_ip"


def test_a_key_names_at_most_50_networks_on_the_portal_as_on_the_api(merchant):
    """Each request of a key is checked against every network it names: the portal's form
    (a network a line) took 20,000, and each request then cost 0.13 s of CPU."""
    many = [f"10.0.{n // 256}.{n % 256}" for n in range(51)]
    with pytest.raises(InvalidInput) as error:
        create(merchant, allowed_ips=many)
    assert error.value.code == "invalid_ip"
    web = login_web(Client(), merchant)
    response = web.post(
        "/portal/api-keys/",
        {"name": "many", "expires_in_days": "30", "allowed_ips": "\n".join(many)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "at most 50" in response.content.decode()
    body = {"name": "many", "allowed_ips": many}
    api = api_for(merchant).post("/api/v1/api-keys/", body, format="json")
    assert api.status_code == 400 and api.json()["code"] == "validation_error"
    assert not ApiKey.objects.filter(name="many").exists()
    assert create(merchant, allowed_ips=many[:50])[0].allowed_ips[-1] == "10.0.0.49/32"


def test_only_an_admin_of_the_organization_creates_keys(operator_member, outsider):
    with pytest.raises(PermissionDeniedError):
        create(operator_member)
    with pytest.raises(PermissionDeniedError):
        services.api_key_create(
            organization=operator_member.organization, created_by=outsider, name="x"
        )


def test_revoking_twice_is_a_transition_error(merchant):
    key, _ = create(merchant)
    services.api_key_revoke(api_key=key, actor=merchant, reason="rotated")
    key.refresh_from_db()
    assert key.status == "revoked" and key.revoked_by == merchant
    with pytest.raises(TransitionNotAllowed):
        services.api_key_revoke(api_key=key, actor=merchant)


def test_an_outsider_cannot_revoke_another_organizations_key(merchant, outsider):
    key, _ = create(merchant)
    with pytest.raises(PermissionDeniedError):
        services.api_key_revoke(api_key=key, actor=outsider)
    key.refresh_from_db()
    assert key.revoked_at is None
