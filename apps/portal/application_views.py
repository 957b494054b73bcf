"""Portal pages of access applications: a merchant applies for a listed product, edits,
submits, answers change requests, withdraws and writes to the reviewers; operators and
provider agencies work their review queue and decide their steps. Writes go through
apps.grants (applications, approval); the shared pages are apps.grants.pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.choices import OrganizationKind
from apps.core.exceptions import DomainError, PermissionDeniedError
from apps.core.forms import (
    add_domain_error,
    flash_domain_error,
    flash_refused,
    flash_unknown_action,
    posted_text,
    run_action,
)
from apps.core.pages import page_of
from apps.core.permissions import MANAGE
from apps.grants import applications, pages, selectors
from apps.grants.choices import ApplicationStatus
from apps.grants.forms import ApplicationFilterForm, filters_of
from apps.grants.models import AccessApplication
from apps.portal.application_forms import ApplicationForm, AttachmentForm
from apps.products.models import DataProduct
from apps.workflow.policy import get_object_for

NS = "portal"
REVIEWERS = (OrganizationKind.OPERATOR, OrganizationKind.PROVIDER)


def merchant_only(request):
    # A DomainError, so that the refusal is audited (Django's PermissionDenied was not).
    if request.user.org_kind != OrganizationKind.MERCHANT:
        raise PermissionDeniedError(code="not_merchant")


def reviewer_only(request):
    if request.user.org_kind not in REVIEWERS:
        raise PermissionDeniedError(code="not_reviewer")


def _attach(request, application, upload) -> None:
    if upload is not None:
        try:
            applications.application_attach(
                application=application, user=request.user, upload=upload
            )
        except DomainError as error:
            flash_domain_error(request, error)


def _form_page(request, product, application=None):
    initial = ApplicationForm.initial_from(application) if application else {}
    form = ApplicationForm(
        request.POST or None, request.FILES or None, initial=initial, product=product
    )
    if request.method == "POST" and form.is_valid():
        try:
            if application is None:
                application = applications.application_create(
                    user=request.user, data=form.to_data()
                )
            else:
                applications.application_update(
                    application=application, user=request.user, data=form.to_data()
                )
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            _attach(request, application, form.cleaned_data.get("file"))
            if request.POST.get("then") == "submit":
                run_action(
                    request,
                    lambda: applications.application_submit(
                        application=application, user=request.user
                    ),
                    _done("submit"),
                )
            else:
                messages.success(request, _("Draft saved."))
            return redirect(f"{NS}:application_detail", pk=application.pk)
    context = {
        "form": form,
        "product": product,
        "application": application,
        "terms": product.current_terms,
    }
    return render(request, "grants/application_form.html", context)


@login_required
def application_create(request, product: int):
    merchant_only(request)
    return _form_page(request, get_object_for(request.user, DataProduct, product))


@login_required
def application_edit(request, pk: int):
    application = get_object_for(request.user, AccessApplication, pk, MANAGE)
    return _form_page(request, application.product, application)


@login_required
def application_list(request):
    """The caller's applications (a merchant's own, an operator's incoming ones)."""
    form = ApplicationFilterForm(request.GET)
    filters = filters_of(form)
    # The home's to-dos link here with several statuses (?status=a&status=b); the form
    # filters by one, so several go past it. Unknown values are ignored.
    statuses = [s for s in request.GET.getlist("status") if s in ApplicationStatus.values]
    if len(statuses) > 1:
        filters.pop("status", None)
    rows = selectors.application_list(user=request.user, **filters)
    if len(statuses) > 1:
        rows = rows.filter(status__in=statuses)
    paged = page_of(request, rows)
    pending = selectors.pending_steps_of(paged["page"])
    items = [
        {"application": a, "step": pending.get(a.pk), "kind": _kind(pending.get(a.pk))}
        for a in paged["page"]
    ]
    context = {"form": form, "items": items, "ns": NS, **paged}
    if len(statuses) > 1:
        context["statuses"] = [ApplicationStatus(s).label for s in statuses]
    return render(request, "grants/application_list.html", context)


def _kind(step) -> str:
    return pages.step_label(step) if step else ""


@login_required
def application_detail(request, pk: int):
    application = get_object_for(request.user, AccessApplication, pk)
    return pages.application_page(request, application, NS)


@require_POST
@login_required
def application_action(request, pk: int, action: str):
    application = get_object_for(request.user, AccessApplication, pk, MANAGE)
    note, me = posted_text(request, "note"), request.user
    calls = {
        "submit": lambda: applications.application_submit(
            application=application, user=me, note=note
        ),
        "withdraw": lambda: applications.application_withdraw(
            application=application, user=me, note=note
        ),
    }
    if action not in calls:
        flash_unknown_action(request)
    else:
        run_action(request, calls[action], _done(action))
    return redirect(f"{NS}:application_detail", pk=pk)


def _done(action: str) -> str:
    if action == "submit":
        return _("Submitted: automated checks run first, then the reviewers decide.")
    return _("Withdrawn.")


@require_POST
@login_required
def application_attach(request, pk: int):
    application = get_object_for(request.user, AccessApplication, pk, MANAGE)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload, me = form.cleaned_data["file"], request.user
        run_action(
            request,
            lambda: applications.application_attach(
                application=application, user=me, upload=upload
            ),
            _("Attachment added."),
        )
    else:
        flash_refused(request, _("Choose a file."))
    return redirect(f"{NS}:application_detail", pk=pk)


@require_POST
@login_required
def application_message(request, pk: int):
    return pages.message(request, pk, NS)


@require_POST
@login_required
def application_decide(request, pk: int):
    return pages.decide(request, pk, NS)


@login_required
def attachment_file(request, pk: int):
    return pages.attachment_file(request, pk)


@login_required
def review_queue(request):
    reviewer_only(request)
    return pages.queue_page(request, NS)
