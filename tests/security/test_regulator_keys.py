"""A regulator's API key skips TOTP: it must be IP-restricted and live at most 30 days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import ApiKey
from apps.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db


def create(user, **kwargs):
    return services.api_key_create(
        organization=user.organization, created_by=user, name="k", **kwargs
    )


def test_a_regulator_key_without_ip_restriction_is_refused(regulator):
    with pytest.raises(InvalidInput) as refused:
        create(regulator)
    assert refused.value.code == "ip_restriction_required"


def test_a_regulator_key_lives_30_days_by_default_and_at_most(regulator):
    key, _raw = create(regulator, allowed_ips=["203.0.113.7"])
    assert key.expires_at - timezone.now() <= timedelta(days=30)
    with pytest.raises(InvalidInput) as refused:
        create(
            regulator, allowed_ips=["203.0.113.7"], expires_at=timezone.now() + timedelta(days=31)
        )
    assert refused.value.code == "invalid_expiry"


def test_other_kinds_keep_todays_rules(provider):
    key, _raw = create(provider)
    assert key.allowed_ips == []
    assert key.expires_at - timezone.now() > timedelta(days=89)


def test_an_older_unrestricted_regulator_key_stops_working(api, regulator):
    key, raw = create(regulator, allowed_ips=["127.0.0.1"])
    ApiKey.objects.filter(pk=key.pk).update(allowed_ips=[])
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401 and response.json()["code"] == "api_key_policy"


@pytest.mark.parametrize("networks", [["0.0.0.0/0"], ["::/0"], ["10.0.0.0/8"], ["2001:db8::/32"]])
def test_a_regulator_key_naming_the_internet_or_a_wide_network_is_refused(regulator, networks):
    with pytest.raises(InvalidInput) as refused:
        create(regulator, allowed_ips=["203.0.113.7", *networks])
    assert refused.value.code == "ip_restriction_required"
    assert not ApiKey.objects.filter(organization=regulator.organization).exists()


def test_an_office_network_is_narrow_enough(regulator):
    key, _raw = create(regulator, allowed_ips=["198.51.0.0/16", "2001:db8:1::/48"])
    assert key.allowed_ips == ["198.51.0.0/16", "2001:db8:1::/48"]


def test_an_older_regulator_key_open_to_every_address_stops_working(api, regulator):
    key, raw = create(regulator, allowed_ips=["127.0.0.1"])
    ApiKey.objects.filter(pk=key.pk).update(allowed_ips=["0.0.0.0/0"])
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401 and response.json()["code"] == "api_key_policy"


@pytest.mark.parametrize("kind", ["regulator", "merchant"])
def test_a_key_cannot_create_keys_a_person_must(api, request, kind):
    """Or one stolen key (a regulator's skips TOTP) would renew itself for ever, from
    anywhere: refused with a code, audited, nothing made."""
    from apps.audit.models import AuditEvent

    user = request.getfixturevalue(kind)
    _key, raw = create(user, allowed_ips=["127.0.0.1"])
    response = api.post(
        "/api/v1/api-keys/",
        {"name": "renewed", "allowed_ips": ["127.0.0.1"]},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403 and response.json()["code"] == "key_cannot_create_keys"
    assert not ApiKey.objects.filter(name="renewed").exists()
    assert AuditEvent.objects.filter(outcome="denied", reason="key_cannot_create_keys").exists()
