"""Regulator console: the outbox's background jobs, failures first, so work that was given
up is seen by a person and not only by the admin."""

from django.db.models import Case, Value, When
from django.shortcuts import render

from apps.console.views import regulator_required
from apps.workflow.models import OutboxItem, OutboxStatus

PAGE = 100


@regulator_required
def jobs(request):
    status = request.GET.get("status", "")
    rows = OutboxItem.objects.select_related("target_type")
    if status in OutboxStatus.values:
        rows = rows.filter(status=status)
    else:
        rows = rows.exclude(status=OutboxStatus.DONE)
    first = Case(When(status=OutboxStatus.FAILED, then=Value(0)), default=Value(1))
    rows = rows.annotate(rank=first).order_by("rank", "-id")[:PAGE]
    context = {
        "jobs": rows,
        "status": status,
        "statuses": OutboxStatus.choices,
        "status_values": OutboxStatus.values,
    }
    return render(request, "console/jobs.html", context, status=200)
