"""The statement and usage pages, shared by the portal and the console (each passes its
URL namespace); reads through apps.delivery.selectors and .revenue only."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from apps.core.pages import page_of
from apps.delivery import revenue, selectors
from apps.delivery.api.serializers import MonthField
from apps.delivery.selectors import USAGE_DAYS

RANGES = (7, 30, 90)


def _month(request):
    text = request.GET.get("month", "")
    try:
        return MonthField().to_internal_value(text) if text else None
    except ValidationError:  # a malformed month filters nothing, as an empty one
        return None


def statement_list_page(request, namespace: str, **extra):
    month = _month(request)
    rows = selectors.statement_list(user=request.user, month=month)
    context = {
        "ns": namespace,
        "month": month.strftime("%Y-%m") if month else "",
        "revenue": revenue.revenue_states_for(user=request.user),
        **page_of(request, rows),
        **extra,
    }
    return render(request, "delivery/statement_list.html", context)


def statement_page(request, statement, namespace: str):
    context = {
        "ns": namespace,
        "statement": statement,
        "lines": selectors.statement_lines(statement),
    }
    return render(request, "delivery/statement_detail.html", context)


def usage_page(request, grant, namespace: str):
    """Daily calls, rows and bytes against the quota: a chart (static JS reads the JSON
    block) over a table that holds every number."""
    text = request.GET.get("days", "")
    # Only the offered ranges, by their text: "²" is a digit to isdigit() but not to int().
    days = int(text) if text in {str(n) for n in RANGES} else USAGE_DAYS
    series = selectors.usage_series(grant=grant, days=days)
    chart = {
        "days": [row["day"].isoformat() for row in series],
        "calls": [row["calls"] for row in series],
        "rows": [row["rows"] for row in series],
        "calls_quota": grant.calls_per_day,
        "rows_quota": grant.rows_per_day,
        "labels": {
            "calls": _("calls"),
            "rows": _("rows"),
            "quota": _("daily quota"),
        },
    }
    context = {
        "ns": namespace,
        "grant": grant,
        "series": list(reversed(series)),  # the table: newest first
        "days": days,
        "ranges": RANGES,
        "totals": {k: sum(row[k] for row in series) for k in ("calls", "rows", "bytes")},
        "chart": chart,
    }
    return render(request, "delivery/usage.html", context)
