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


# A dual-stack listener (gunicorn on [::], nginx with ipv6only=off) shows an IPv4 client
# as ::ffff:a.b.c.d: every IPv4 address on the internet sits inside ::ffff:0:0/96, a /96
# by its IPv6 prefix, and inside ::/64 and ::/48 as well.
@pytest.mark.parametrize("networks", [["::ffff:0:0/96"], ["::/64"], ["::ffff:0.0.0.0/100"]])
def test_ipv6_networks_holding_every_ipv4_address_do_not_open_a_regulator_key(
    api, regulator, networks
):
    try:
        _key, raw = create(regulator, allowed_ips=networks)
    except InvalidInput as refused:
        assert refused.code == "ip_restriction_required"
        return
    response = api.get(
        "/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="::ffff:198.51.100.9"
    )
    assert response.status_code == 401


def test_an_ipv4_mapped_network_is_judged_and_stored_as_the_ipv4_network_it_names(regulator):
    with pytest.raises(InvalidInput):
        create(regulator, allowed_ips=["::ffff:10.0.0.0/104"])  # 10.0.0.0/8
    key, _raw = create(regulator, allowed_ips=["::ffff:203.0.113.0/120"])
    assert key.allowed_ips == ["203.0.113.0/24"]


def test_a_dual_stack_client_address_is_matched_as_the_ipv4_address_it_is(api, regulator):
    _key, raw = create(regulator, allowed_ips=["203.0.113.0/24"])
    for address, status in (("::ffff:203.0.113.5", 200), ("::ffff:198.51.100.9", 401)):
        response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR=address)
        assert response.status_code == status, (address, response.content)


def test_an_older_regulator_key_naming_the_mapped_ipv4_space_stops_working(api, regulator):
    key, raw = create(regulator, allowed_ips=["127.0.0.1"])
    ApiKey.objects.filter(pk=key.pk).update(allowed_ips=["::ffff:0:0/96"])
    response = api.get(
        "/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="::ffff:127.0.0.1"
    )
    assert response.status_code == 401 and response.json()["code"] == "api_key_policy"
