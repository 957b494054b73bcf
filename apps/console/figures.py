"""The supervision dashboard's figures: aggregate counts over the whole platform, computed
by a beat task (apps.console.tasks) into one DashboardSnapshot row per day, so the page
reads one row however many applications there are.

Each figure is a function in FIGURES returning plain JSON (codes and numbers, never a
translated label: the page labels them in the reader's language). A new figure
is one more function here and one more entry in apps.console.dashboard.
"""

import statistics
import time
from collections import defaultdict
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from apps.catalog.choices import RegistrationStatus
from apps.catalog.models import DataResource
from apps.console.models import DashboardSnapshot
from apps.delivery.models import Alert, UsageDay
from apps.delivery.revenue import revenue_states
from apps.grants.approval import STAGE_PREFIX
from apps.grants.models import AccessApplication, Grant
from apps.operators.models import AuthorizationAgreement, OperatorProfile
from apps.operators.selectors import agreements_ending
from apps.webhooks.models import WebhookDelivery
from apps.workflow.models import Decision, ReviewStep

ENDING_DAYS = 90  # agreements ending within this many days are called out
DECISION_WINDOW_DAYS = 90  # time to decision: steps decided in this window
WEBHOOK_WINDOW_DAYS = 30
DELIVERY_WINDOW_DAYS = 90  # deliveries per day: this many days, today included
ALERT_WINDOW_DAYS = 90
REVENUE_ROWS = 20  # agreements shown against their revenue cap


def count_by(queryset, *fields) -> dict:
    """{value: count} (one field) or {"a|b": count} (several), one GROUP BY query."""
    rows = queryset.order_by().values_list(*fields).annotate(n=Count("pk"))
    return {"|".join(str(v) for v in row[:-1]): row[-1] for row in rows}


def resources(today) -> dict:
    """Registered resources by classification and open type."""
    registered = DataResource.objects.filter(status=RegistrationStatus.REGISTERED)
    return {"by": count_by(registered, "classification", "open_type")}


def operators(today) -> dict:
    return {"by_status": count_by(OperatorProfile.objects.all(), "status")}


def agreements(today) -> dict:
    ending = agreements_ending(AuthorizationAgreement.objects.all(), days=ENDING_DAYS)
    return {
        "by_status": count_by(AuthorizationAgreement.objects.all(), "status"),
        "ending": ending.count(),
        "ending_days": ENDING_DAYS,
    }


def applications(today) -> dict:
    return {"by_status": count_by(AccessApplication.objects.all(), "status")}


def decision_times(today, since=None, until=None) -> dict:
    """Per kind of review step (operator, provider, security, regulator), over the steps
    decided in the last DECISION_WINDOW_DAYS (or from `since` to before `until`, for a
    report's period): how many, the median hours from opening to decision, the median
    hours the deadline allowed, and how many were decided late."""
    since = since or timezone.now() - timedelta(days=DECISION_WINDOW_DAYS)
    steps = ReviewStep.objects.filter(
        content_type=ContentType.objects.get_for_model(AccessApplication),
        decided_at__gte=since,
    )
    if until is not None:
        steps = steps.filter(decided_at__lt=until)
    steps = steps.exclude(decision__in=[Decision.PENDING, Decision.CANCELLED]).values_list(
        "stage", "created_at", "decided_at", "due_at"
    )
    taken, allowed, late = defaultdict(list), defaultdict(list), defaultdict(int)
    for stage, opened, decided, due in steps.iterator(chunk_size=5000):
        kind = stage.removeprefix(STAGE_PREFIX).split(".")[0]  # as approval.step_kind
        taken[kind].append((decided - opened).total_seconds() / 3600)
        if due is not None:
            allowed[kind].append((due - opened).total_seconds() / 3600)
            late[kind] += decided > due
    return {
        "window_days": DECISION_WINDOW_DAYS,
        "by_kind": {
            kind: {
                "decided": len(hours),
                "median_hours": round(statistics.median(hours), 1),
                "deadline_hours": round(statistics.median(allowed[kind]), 1)
                if allowed[kind]
                else None,
                "late": late[kind],
            }
            for kind, hours in taken.items()
        },
    }


def grants(today) -> dict:
    return {"by_status": count_by(Grant.objects.all(), "status")}


def webhooks(today) -> dict:
    since = timezone.now() - timedelta(days=WEBHOOK_WINDOW_DAYS)
    recent = WebhookDelivery.objects.filter(created_at__gte=since)
    return {"by_status": count_by(recent, "status"), "window_days": WEBHOOK_WINDOW_DAYS}


def deliveries(today) -> dict:
    """Calls, rows and bytes served per day over the whole platform (UsageDay), oldest
    first, a day without use included as zeros."""
    first = today - timedelta(days=DELIVERY_WINDOW_DAYS - 1)
    totals = {
        day: [calls, rows, size]
        for day, calls, rows, size in UsageDay.objects.filter(day__gte=first, day__lte=today)
        .order_by()
        .values_list("day")
        .annotate(Sum("calls"), Sum("rows"), Sum("bytes"))
    }
    days = [first + timedelta(days=i) for i in range(DELIVERY_WINDOW_DAYS)]
    return {
        "window_days": DELIVERY_WINDOW_DAYS,
        "days": [[day.isoformat(), *totals.get(day, [0, 0, 0])] for day in days],
    }


def alerts(today) -> dict:
    """Anomaly alerts raised in the window, by rule and status."""
    since = timezone.now() - timedelta(days=ALERT_WINDOW_DAYS)
    raised = Alert.objects.filter(created_at__gte=since)
    return {"by": count_by(raised, "rule", "status"), "window_days": ALERT_WINDOW_DAYS}


def revenue(today) -> dict:
    """Each agreement in force: its statements' revenue against its maximum revenue
    (apps.delivery.revenue), the closest to its cap first, at most REVENUE_ROWS. The
    operator's English name comes last, so the English page names it in English."""
    in_force = AuthorizationAgreement.objects.in_force().select_related("operator")
    states = revenue_states(in_force)
    states.sort(key=lambda s: (s.share is None, -(s.share or 0), s.agreement.number))
    return {
        "agreements": [
            [
                state.agreement.pk,
                state.agreement.number,
                state.agreement.operator.name,
                str(state.revenue),
                None if state.max_revenue is None else str(state.max_revenue),
                state.level,
                state.agreement.operator.name_en,
            ]
            for state in states[:REVENUE_ROWS]
        ],
        "count": len(states),
    }


FIGURES = {
    "resources": resources,
    "operators": operators,
    "agreements": agreements,
    "applications": applications,
    "decision_times": decision_times,
    "grants": grants,
    "webhooks": webhooks,
    "deliveries": deliveries,
    "alerts": alerts,
    "revenue": revenue,
}


def dashboard_refresh() -> DashboardSnapshot:
    """Computes every figure and stores today's snapshot (safe to run twice: the later
    run wins)."""
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    figures = {name: compute(today) for name, compute in FIGURES.items()}
    with transaction.atomic():
        snapshot, _created = DashboardSnapshot.objects.update_or_create(
            day=today,
            defaults={
                "computed_at": now,
                "figures": figures,
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
    return snapshot


def latest_snapshot() -> DashboardSnapshot | None:
    return DashboardSnapshot.objects.order_by("-day").first()
