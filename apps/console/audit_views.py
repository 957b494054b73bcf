"""Regulator console: the audit log and its verification. Calls the audit selectors
and verifier; no logic of its own."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.accounts.models import Organization
from apps.audit.forms import EventFilterForm
from apps.audit.selectors import event_list
from apps.console.exports import list_context, list_export
from apps.console.jobs import AUDIT_VERIFY, audit_verify_start, last_verification
from apps.console.list_columns import AUDIT_COLUMNS
from apps.console.views import regulator_required
from apps.core import tables
from apps.core.converters import parse_id
from apps.core.pages import page_of
from apps.workflow.models import OutboxItem

PAGE = 100


@regulator_required
def events(request):
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = event_list(user=request.user, filters=filters).select_related("seal")
    current = tables.ordering(request, AUDIT_COLUMNS, "-time")
    rows = tables.sort(rows, AUDIT_COLUMNS, current)
    export = list_export(request, rows, AUDIT_COLUMNS, "audit-events")
    if export is not None:
        return export
    listing = {"form": form, **list_context(request, AUDIT_COLUMNS, current)}
    listing["filters_active"] = sum(1 for name in form.fields if request.GET.get(name))
    if current != "-time":  # another order: numbered pages (the keyset below is by id)
        paged = page_of(request, rows, PAGE)
        context = {**listing, **paged, "events": _named(paged["page"]), "older": None}
        return render(request, "console/audit_events.html", context)
    if (before := parse_id(request.GET.get("before", ""))) is not None:
        rows = rows.filter(id__lt=before)
    page = list(rows.order_by("-id")[: PAGE + 1])
    older = page[PAGE - 1].pk if len(page) > PAGE else None
    query = request.GET.copy()
    query.pop("before", None)
    events = _named(page[:PAGE])
    context = {**listing, "events": events, "older": older, "query": query.urlencode()}
    context["page"] = None  # the keyset link below, not numbered pages
    return render(request, "console/audit_events.html", context)


def _named(events) -> list:
    """The events, each with its actor's organization (`event.org`, None when gone)."""
    events = list(events)
    orgs = Organization.objects.in_bulk({e.actor_org_id for e in events if e.actor_org_id})
    for event in events:
        event.org = orgs.get(event.actor_org_id)
    return events


@require_http_methods(["GET", "POST"])
@regulator_required
def verify(request):
    """POST starts a verification job (a worker runs it); GET shows the last one."""
    if request.method == "POST":
        job = audit_verify_start(user=request.user)
        return redirect("console:audit_verify_job", pk=job.pk)
    return _job_page(request, last_verification())


@regulator_required
def verify_job(request, pk: int):
    return _job_page(request, get_object_or_404(OutboxItem, pk=pk, topic=AUDIT_VERIFY))


def _job_page(request, job: OutboxItem | None):
    context = {"job": job, "result": job.result if job and job.status == "done" else None}
    return render(request, "console/audit_verify.html", context)
