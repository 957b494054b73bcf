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


def normalize_networks(allowed_ips) -> list[str]:
    networks = []
    for raw in allowed_ips or []:
        try:
            networks.append(str(ipaddress.ip_network(str(raw).strip(), strict=False)))
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
    found = [ipaddress.ip_network(network, strict=False) for network in networks]
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
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in key.allowed_ips)


def regulator_key_ok(key: ApiKey) -> bool:
    longest = timedelta(days=settings.API_KEY_REGULATOR_MAX_DAYS, hours=1)
    return (
        bool(key.allowed_ips)
        and narrow(key.allowed_ips)
        and key.expires_at - key.created_at <= longest
    )
