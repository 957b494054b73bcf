"""Provider pages for describing and registering data resources."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.catalog import metadata, selectors, services
from apps.catalog.choices import RegistrationStatus
from apps.catalog.models import DataResource
from apps.core.exceptions import DomainError
from apps.core.forms import NoteForm, add_domain_error, flash_refused, posted_text, run_action
from apps.core.permissions import MANAGE, VIEW
from apps.portal.resource_forms import (
    FieldFormSet,
    FollowUpForm,
    ObjectionForm,
    ResourceForm,
    fields_from,
)
from apps.workflow import policy
from apps.workflow.policy import get_object_for


@login_required
def resource_list(request):
    resources = selectors.resource_list(user=request.user, mine=True)
    # The home's to-dos link here filtered by status; unknown values are ignored.
    statuses = [s for s in request.GET.getlist("status") if s in RegistrationStatus.values]
    if statuses:
        resources = resources.filter(status__in=statuses)
    context = {"resources": resources, "statuses": [RegistrationStatus(s).label for s in statuses]}
    return render(request, "portal/resources/list.html", context)


def _edit(request, resource: DataResource | None):
    """Create (resource None) or edit; a registered resource's edit is a change proposal."""
    follow_up = (
        resource is not None
        and resource.is_in_registry
        and request.GET.get("kind") in ("change", "correction")
    )
    if resource is None:
        initial, field_rows = {}, []
    else:
        pending = selectors.pending_change(resource=resource)
        snap = pending.snapshot if pending else metadata.snapshot(resource)
        initial, field_rows = ResourceForm.initial_from(snap), snap["fields"]
    adding_rows = request.method == "POST" and "add_rows" in request.POST
    data = _with_more_rows(request.POST) if adding_rows else request.POST or None
    form = ResourceForm(data, initial=initial)
    formset = FieldFormSet(data, initial=field_rows, prefix="fields")
    if adding_rows:
        # Without JavaScript "Add a field" posts the form: it comes back with more empty
        # rows, nothing saved and no complaint yet about what is still unfilled.
        _quiet(form, formset)
    elif request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        data = {**form.to_data(), "fields": fields_from(formset)}
        try:
            if resource is None:
                resource = services.resource_create(user=request.user, data=data)
            elif follow_up:
                services.resource_open_follow_up(
                    resource=resource, user=request.user, kind=request.GET["kind"], data=data
                )
            else:
                services.resource_update(resource=resource, user=request.user, data=data)
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            messages.success(request, _("Saved."))
            return redirect("portal:resource_detail", pk=resource.pk)
    context = {"form": form, "formset": formset, "resource": resource, "follow_up": follow_up}
    return render(request, "portal/resources/edit.html", context)


MORE_ROWS = 3


def _with_more_rows(post):
    data = post.copy()
    key = "fields-TOTAL_FORMS"
    try:
        total = int(data.get(key, "0"))
    except ValueError:
        total = 0
    data[key] = str(min(max(total, 0) + MORE_ROWS, FieldFormSet.max_num))
    return data


def _quiet(form, formset) -> None:
    form.is_valid()
    formset.is_valid()
    form.errors.clear()
    for row in formset.forms:
        row.errors.clear()
    formset._non_form_errors = formset.error_class()


@login_required
def resource_create(request):
    return _edit(request, None)


@login_required
def resource_edit(request, pk: int):
    return _edit(request, get_object_for(request.user, DataResource, pk, MANAGE))


@login_required
def resource_detail(request, pk: int):
    resource = get_object_for(request.user, DataResource, pk)
    context = {
        "resource": resource,
        "fields": resource.fields.all(),
        "history": selectors.resource_history(user=request.user, resource=resource),
        "objections": selectors.objection_list(user=request.user, resource=resource),
        "can_manage": policy.allows(request.user, MANAGE, resource),
        "note_form": NoteForm(),
        "follow_up_form": FollowUpForm(),
        "objection_form": ObjectionForm(),
    }
    return render(request, "portal/resources/detail.html", context)


def _act(request, pk: int, call, action: str = MANAGE, done=None):
    resource = get_object_for(request.user, DataResource, pk, action)
    run_action(request, lambda: call(resource), done)
    return redirect("portal:resource_detail", pk=pk)


@require_POST
@login_required
def resource_submit(request, pk: int):
    note = posted_text(request, "note")
    return _act(
        request,
        pk,
        lambda r: services.resource_submit(resource=r, user=request.user, note=note),
        done=_("Submitted: the regulator reviews it next; you will be notified of the decision."),
    )


@require_POST
@login_required
def resource_withdraw(request, pk: int):
    note = posted_text(request, "note")
    return _act(
        request, pk, lambda r: services.resource_withdraw(resource=r, user=request.user, note=note)
    )


@require_POST
@login_required
def resource_follow_up(request, pk: int):
    get_object_for(request.user, DataResource, pk, MANAGE)  # refusals first, and audited
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        flash_refused(request, _("Choose a registration kind."))
        return redirect("portal:resource_detail", pk=pk)
    kind, note = form.cleaned_data["kind"], form.cleaned_data["note"]
    if kind in ("change", "correction"):
        return redirect(f"/portal/resources/{pk}/edit/?kind={kind}")
    return _act(
        request,
        pk,
        lambda r: services.resource_open_follow_up(
            resource=r, user=request.user, kind=kind, note=note
        ),
    )


@require_POST
@login_required
def resource_object(request, pk: int):
    resource = get_object_for(request.user, DataResource, pk)  # refusals first, audited
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        flash_refused(request, _("Give the reason for the objection."))
        return redirect("portal:resource_detail", pk=pk)
    reason = form.cleaned_data["reason"]
    run_action(
        request,
        lambda: services.resource_object(resource=resource, user=request.user, reason=reason),
    )
    # An objection ends the notice and sends the resource back to review, where only its
    # provider and the regulator see it: everyone else returns to the public catalog.
    if policy.allows(request.user, VIEW, resource):
        return redirect("portal:resource_detail", pk=pk)
    return redirect("catalog:list")
