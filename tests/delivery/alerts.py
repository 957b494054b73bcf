"""Crafted evidence for the alert rules: audit events with a chosen time, IP, actor and
outcome (written through the audit log's own insert), and days of metering."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from apps.audit.services import _insert, build_event
from apps.delivery.models import UsageDay

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at_local(hour: int, minute: int = 0, days_ago: int = 0) -> datetime:
    """Today (Asia/Shanghai) at hour:minute, `days_ago` days back."""
    day = timezone.now().astimezone(SHANGHAI).date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def event(
    grant,
    *,
    actor,
    at: datetime,
    action: str = "delivery.records.read",
    outcome: str = "allowed",
    ip: str = "10.1.2.3",
    reason: str = "",
    target=None,
):
    built = build_event(
        actor=actor,
        action=action,
        target=grant if target is None else target,
        target_org=grant.merchant_id,
        outcome=outcome,
        reason=reason,
    )
    built.occurred_at, built.ip = at, ip
    _insert(built, connection)
    return built


def usage(grant, rows_by_days_ago: dict[int, int]) -> None:
    today = timezone.localdate()
    for days_ago, rows in rows_by_days_ago.items():
        UsageDay.objects.update_or_create(
            grant=grant,
            day=today - timedelta(days=days_ago),
            defaults={"calls": max(1, rows // 100), "rows": rows, "bytes": rows * 40},
        )
