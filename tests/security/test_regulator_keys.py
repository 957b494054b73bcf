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
