"""The rules a key is made and used by: its networks, its lifetime, and what a
regulator's key (which skips TOTP) must keep to. Used by apps.accounts.services."""

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.choices import OrganizationKind
from apps.accounts.models import ApiKey, Organization
from apps.core.exceptions import InvalidInput

# A dual-stack listener (a socket on [::] that takes IPv4 too) shows an IPv4 client as
# ::ffff:a.b.c.d. Such an address is judged as the IPv4 address it is, and a network in
# that range as the IPv4 network it names: `::ffff:0:0/96` is 0.0.0.0/0, not a narrow /96.
_MAPPED = ipaddress.ip_network("::ffff:0:0/96")


def _as_ipv4(network):
    """The IPv4 network an IPv4-mapped IPv6 network names (itself otherwise)."""
    if network.version == 6 and network.subnet_of(_MAPPED):
        start = network.network_address.ipv4_mapped
        return ipaddress.ip_network(f"{start}/{network.prefixlen - 96}", strict=False)
    return network


def _as_client(address):
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


# Every request of the key is checked against each of its networks: the portal's form (a
# line each) took 20,000 of them, at 0.13 s a request, where the API takes 50.
MAX_NETWORKS = 50


def normalize_networks(allowed_ips) -> list[str]:
    allowed_ips = list(allowed_ips or [])
    if len(allowed_ips) > MAX_NETWORKS:
        message = _("Name at most %(count)d IP addresses or networks.") % {"count": MAX_NETWORKS}
        raise InvalidInput(message, code="invalid_ip", details={"allowed_ips": [message]})
    networks = []
    for raw in allowed_ips:
        try:
            network = ipaddress.ip_network(str(raw).strip(), strict=False)
            networks.append(str(_as_ipv4(network)))
        except ValueError:
            raise InvalidInput(
                _("'%(value)s' is not an IP address or network.") % {"value": raw},
                code="invalid_ip",
                details={"allowed_ips": [_("Not an IP address or network: %s") % raw]},
            ) from None
    return networks


def narrow(networks) -> bool:
    """Whether every network is at most as wide as a regulator's key may name (never
    `0.0.0.0/0`: a key that skips TOTP from anywhere)."""
    least = {
        4: settings.API_KEY_REGULATOR_MIN_PREFIX_V4,
        6: settings.API_KEY_REGULATOR_MIN_PREFIX_V6,
    }
    found = [_as_ipv4(ipaddress.ip_network(network, strict=False)) for network in networks]
    return all(network.prefixlen >= least[network.version] for network in found)


def lifetime_days(organization: Organization) -> tuple[int, int]:
    """(default, longest) lifetime of a new key; a regulator's key skips TOTP, so it is short."""
    if organization.kind == OrganizationKind.REGULATOR:
        days = settings.API_KEY_REGULATOR_MAX_DAYS
        return days, days
    return settings.API_KEY_DEFAULT_DAYS, settings.API_KEY_MAX_DAYS


def check_expiry(expires_at: datetime | None, organization: Organization) -> datetime:
    now = timezone.now()
    default_days, max_days = lifetime_days(organization)
    if expires_at is None:
        return now + timedelta(days=default_days)
    if expires_at <= now:
        raise InvalidInput(
            _("The expiry must be in the future."),
            code="invalid_expiry",
            details={"expires_at": [_("The expiry must be in the future.")]},
        )
    if expires_at > now + timedelta(days=max_days):
        message = _("A key may live at most %(days)d days.") % {"days": max_days}
        raise InvalidInput(message, code="invalid_expiry", details={"expires_at": [message]})
    return expires_at


def ip_allowed(key: ApiKey, ip: str | None) -> bool:
    if not key.allowed_ips:
        return True
    if not ip:
        return False
    try:
        address = _as_client(ipaddress.ip_address(ip))
    except ValueError:
        return False
    # An IPv4 client (however the socket shows it) is matched by IPv4 networks only: an
    # IPv6 network holding the mapped range (::/64) does not let every IPv4 address in.
    return any(
        address in _as_ipv4(ipaddress.ip_network(net, strict=False)) for net in key.allowed_ips
    )


def regulator_key_ok(key: ApiKey) -> bool:
    longest = timedelta(days=settings.API_KEY_REGULATOR_MAX_DAYS, hours=1)
    return (
        bool(key.allowed_ips)
        and narrow(key.allowed_ips)
        and key.expires_at - key.created_at <= longest
    )
