"""Regulator review of resource registrations."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.catalog import metadata, selectors, services
from apps.catalog.models import DataResource
from apps.console.exports import list_context, list_export
from apps.console.list_columns import REGISTRATION_COLUMNS
from apps.console.views import regulator_required
from apps.core import tables
from apps.core.forms import NoteForm, flash_unknown_action, posted_text, run_action
from apps.workflow import policy
from apps.workflow.policy import DECIDE, get_object_for
from apps.workflow.review import steps_for


@regulator_required
def queue(request):
    rows = selectors.review_queue(user=request.user).select_related("provider")
    current = tables.ordering(request, REGISTRATION_COLUMNS, "notice_ends")
    rows = tables.sort(rows, REGISTRATION_COLUMNS, current)
    export = list_export(request, rows, REGISTRATION_COLUMNS, "registrations")
    if export is not None:
        return export
    context = {"resources": rows, **list_context(request, REGISTRATION_COLUMNS, current)}
    return render(request, "console/registrations/queue.html", context)


@regulator_required
def review(request, pk: int):
    resource = get_object_for(request.user, DataResource, pk)
    pending = selectors.pending_change(resource=resource)
    proposal = metadata.diff(metadata.snapshot(resource), pending.snapshot) if pending else None
    context = {
        "resource": resource,
        "fields": resource.fields.all(),
        "history": selectors.resource_history(user=request.user, resource=resource),
        "steps": steps_for(resource),
        "objections": selectors.objection_list(user=request.user, resource=resource),
        "proposal": proposal,
        "can_decide": policy.allows(request.user, DECIDE, resource),
        "note_form": NoteForm(),
    }
    return render(request, "console/registrations/review.html", context)


ACTIONS = {
    "start": lambda r, u, note: services.resource_start_review(resource=r, reviewer=u),
    "approve": lambda r, u, note: services.resource_approve(resource=r, reviewer=u, note=note),
    "return": lambda r, u, note: services.resource_return(resource=r, reviewer=u, note=note),
}

# What happened, in words (called per request, in its language).
DONE = {
    "start": lambda: _("Review started: approve it, or return it to the provider with a reason."),
    "approve": lambda: _("Approved: the resource is in public notice."),
    "return": lambda: _("Returned to the provider with your reason."),
}


@require_POST
@regulator_required
def decide(request, pk: int, decision: str):
    resource = get_object_for(request.user, DataResource, pk, DECIDE)
    if decision not in ACTIONS:
        flash_unknown_action(request)
        return redirect("console:registration_review", pk=pk)
    note = posted_text(request, "note")
    run_action(request, lambda: ACTIONS[decision](resource, request.user, note), DONE[decision]())
    return redirect("console:registration_review", pk=pk)
