"""What the alert rules read: the audit events of deliveries and denials, grouped by
grant and key, and the networks a request came from."""

import ipaddress
from datetime import UTC, datetime, time

from django.utils import timezone

from apps.audit.choices import ActorType, Outcome
from apps.audit.models import AuditEvent

DELIVERY = "delivery.records.read"
EXPORT_PREFIX = "delivery.export"
GRANT_TYPE = "grants.grant"
MAX_EVENTS = 50  # audit events linked to one alert


def events(since: datetime, until: datetime | None = None, **filters):
    rows = AuditEvent.objects.filter(occurred_at__gte=since, **filters)
    if until is not None:
        rows = rows.filter(occurred_at__lt=until)
    return rows.order_by()


def deliveries(since: datetime, until: datetime | None = None):
    """Records served (allowed reads of a grant)."""
    return events(since, until, action=DELIVERY, outcome=Outcome.ALLOWED, target_type=GRANT_TYPE)


def key_of(actor_type: str, actor_id: str) -> int | None:
    if actor_type == ActorType.API_KEY and actor_id.isdigit():
        return int(actor_id)
    return None


def grant_of(target_type: str, target_id: str) -> int | None:
    if target_type == GRANT_TYPE and target_id.isdigit():
        return int(target_id)
    return None


def network(ip: str) -> str | None:
    """The /24 of an IPv4 address, the /64 of an IPv6 one (None: no usable address)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def recent_ids(rows, limit: int = MAX_EVENTS) -> list[int]:
    return sorted(rows.order_by("-id").values_list("id", flat=True)[:limit])


def bucket(moment: datetime, minutes: int) -> datetime:
    """The start of the fixed `minutes`-long window that holds `moment` (UTC)."""
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % (minutes * 60), tz=UTC)
