"""The figures of a supervision report for one period (a month or a year), as plain JSON
(codes and numbers; the sections label them in the reader's language). The state of
the catalog, the operators and the agreements is the dashboard's own figure
(apps.console.figures) at the time of generation; applications, review steps, grants
and deliveries are counted within the period."""

import statistics
from datetime import date, datetime, time

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Sum
from django.utils import timezone

from apps.audit.sealer import head
from apps.console import figures
from apps.console.jobs import last_verification
from apps.delivery.models import UsageDay
from apps.grants.choices import GrantStatus
from apps.grants.models import AccessApplication, Grant
from apps.workflow.models import StatusHistory

MONTHLY, ANNUAL = "monthly", "annual"


def period_days(kind: str, year: int, month: int | None) -> tuple[date, date]:
    """First day of the period and first day after it."""
    if kind == ANNUAL:
        return date(year, 1, 1), date(year + 1, 1, 1)
    first = date(year, month, 1)
    return first, date(year + (month == 12), month % 12 + 1, 1)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def applications_in(start: datetime, end: datetime) -> dict:
    """Applications submitted in the period by status (now), and those decided in it:
    how many, and the median hours from submission to decision."""
    submitted = AccessApplication.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    decided = AccessApplication.objects.filter(
        decided_at__gte=start, decided_at__lt=end, submitted_at__isnull=False
    ).values_list("submitted_at", "decided_at")
    hours = [(d - s).total_seconds() / 3600 for s, d in decided.iterator(chunk_size=5000)]
    return {
        "by_status": figures.count_by(submitted, "status"),
        "submitted": submitted.count(),
        "decided": len(hours),
        "median_hours": round(statistics.median(hours), 1) if hours else None,
    }


def grants_in(start: datetime, end: datetime) -> dict:
    """Grants in force during the period (their term overlaps it), issued in it, and the
    suspensions and revocations recorded in it (the grants' status history)."""
    moves = StatusHistory.objects.filter(
        content_type=ContentType.objects.get_for_model(Grant),
        created_at__gte=start,
        created_at__lt=end,
        to_status__in=[GrantStatus.SUSPENDED, GrantStatus.REVOKED],
    )
    moved = figures.count_by(moves, "to_status")
    return {
        "active": Grant.objects.filter(starts_at__lt=end, ends_at__gt=start).count(),
        "issued": Grant.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        "suspended": moved.get(GrantStatus.SUSPENDED, 0),
        "revoked": moved.get(GrantStatus.REVOKED, 0),
        "by_status": figures.count_by(Grant.objects.all(), "status"),
    }


def deliveries_in(first: date, after: date) -> dict:
    """Calls, rows and bytes delivered in the period, in total and by product."""
    days = UsageDay.objects.filter(day__gte=first, day__lt=after)
    sums = {"calls": Sum("calls"), "rows": Sum("rows"), "bytes": Sum("bytes")}
    total = days.aggregate(**sums, grants=Count("grant", distinct=True))
    products = (
        days.order_by()
        .values("grant__product_id", "grant__product__name", "grant__product__name_en")
        .annotate(**sums)
        .order_by("-calls", "grant__product_id")
    )
    return {
        "calls": total["calls"] or 0,
        "rows": total["rows"] or 0,
        "bytes": total["bytes"] or 0,
        "grants": total["grants"],
        "by_product": [
            {
                "product": row["grant__product__name"],
                "product_en": row["grant__product__name_en"],
                "calls": row["calls"],
                "rows": row["rows"],
                "bytes": row["bytes"],
            }
            for row in products
        ],
    }


def audit_now() -> dict:
    seq, _hash = head()
    job = last_verification()
    result = job.result if job is not None and job.status == "done" else {}
    return {
        "head_seq": seq,
        "verified_at": job.finished_at.isoformat() if result and job.finished_at else None,
        "verified_ok": result.get("ok"),
        "verified_seq": result.get("head_seq"),
    }


def report_figures(*, kind: str, year: int, month: int | None = None) -> dict:
    first, after = period_days(kind, year, month)
    start, end = _moment(first), _moment(after)
    today = timezone.localdate()
    return {
        "period": {"kind": kind, "year": year, "month": month, "first": str(first)},
        "generated_at": timezone.now().isoformat(),
        "resources": figures.resources(today),
        "operators": figures.operators(today),
        "agreements": figures.agreements(today),
        "applications": applications_in(start, end),
        "decision_times": figures.decision_times(today, since=start, until=end),
        "grants": grants_in(start, end),
        "deliveries": deliveries_in(first, after),
        "audit": audit_now(),
    }
