from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import ApiKey
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed

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
