"""Operator pages: profile, qualification documents, agreements, annual reports; and the
public disclosure page. All writes go through apps.operators.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

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
from apps.core.http import file_response
from apps.core.permissions import MANAGE
from apps.operators import selectors, services
from apps.operators.choices import AgreementStatus
from apps.operators.files import download_name
from apps.operators.models import AuthorizationAgreement, QualificationDocument
from apps.operators.services.profiles import PROFILE_FIELDS
from apps.portal.operator_forms import (
    AgreementDocumentForm,
    AgreementForm,
    DocumentForm,
    ProfileForm,
    ReasonForm,
    ReportForm,
)
from apps.products import selectors as product_selectors
from apps.workflow import policy
from apps.workflow.policy import get_object_for


def operator_only(request):
    # A DomainError, so that the refusal is audited (Django's PermissionDenied was not).
    if request.user.org_kind != OrganizationKind.OPERATOR:
        raise PermissionDeniedError(code="not_operator")


@login_required
def profile(request):
    operator_only(request)
    current = selectors.own_profile(user=request.user)
    initial = {f: getattr(current, f) for f in PROFILE_FIELDS} if current else {}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(user=request.user, data=form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            messages.success(request, _("Saved."))
            return redirect("portal:operator_profile")
    context = {
        "profile": current,
        "form": form,
        "document_form": DocumentForm(),
        "documents": current.documents.all() if current else [],
        "history": selectors.profile_history(user=request.user, profile=current) if current else [],
    }
    return render(request, "portal/operators/profile.html", context)


@require_POST
@login_required
def document_upload(request):
    operator_only(request)
    current = selectors.own_profile(user=request.user)
    if current is None:
        raise Http404
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_refused(request, _("Choose a kind and a file."))
    else:
        try:
            services.document_upload(
                profile=current,
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
            messages.success(request, _("Uploaded."))
        except DomainError as error:
            flash_domain_error(request, error)
    return redirect("portal:operator_profile")


@require_POST
@login_required
def profile_action(request, action: str):
    operator_only(request)
    current = selectors.own_profile(user=request.user)
    if current is None:
        return redirect("portal:operator_profile")
    note = posted_text(request, "note") or posted_text(request, "reason")
    calls = {
        "apply": lambda: services.qualification_apply(
            profile=current, user=request.user, note=note
        ),
        "exit": lambda: services.qualification_exit(
            profile=current, user=request.user, reason=note
        ),
    }
    _run(request, calls.get(action))
    return redirect("portal:operator_profile")


def _run(request, call, done=None) -> None:
    if call is None:
        flash_unknown_action(request)
        return
    run_action(request, call, done)


@login_required
def agreement_list(request):
    operator_only(request)
    agreements = selectors.agreement_list(user=request.user, mine=True)
    return render(request, "portal/operators/agreements.html", {"agreements": agreements})


def _scope_error(form, error, request) -> None:
    """The service speaks of `scope` by resource id; the form of `resources` by name."""
    aliases = {"scope": "resources"}
    add_domain_error(form, error, request, aliases=aliases, names=form.scope_names())


@login_required
def agreement_create(request):
    operator_only(request)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(user=request.user, data=form.to_data())
        except DomainError as error:
            _scope_error(form, error, request)
        else:
            return redirect("portal:agreement_detail", pk=agreement.pk)
    return render(request, "portal/operators/agreement_form.html", {"form": form})


@login_required
def agreement_edit(request, pk: int):
    """Edit a draft or returned version, e.g. version n+1 right after starting an amendment."""
    operator_only(request)
    agreement = get_object_for(request.user, AuthorizationAgreement, pk, MANAGE)
    form = AgreementForm(request.POST or None, initial=AgreementForm.initial_from(agreement))
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(agreement=agreement, user=request.user, data=form.to_data())
        except DomainError as error:
            _scope_error(form, error, request)
        else:
            return redirect("portal:agreement_detail", pk=agreement.pk)
    context = {"form": form, "agreement": agreement}
    return render(request, "portal/operators/agreement_form.html", context)


@login_required
def agreement_detail(request, pk: int):
    agreement = get_object_for(request.user, AuthorizationAgreement, pk)
    context = {
        "agreement": agreement,
        "scope": agreement.scope.select_related("resource"),
        "history": selectors.agreement_history(user=request.user, agreement=agreement),
        "readable": policy.readable_fields(request.user, agreement),
        "diff": selectors.agreement_changes(user=request.user, agreement=agreement),
        "is_party": agreement.operator_id == request.user.organization_id,
        "reason_form": ReasonForm(),
        "document_form": AgreementDocumentForm(),
    }
    return render(request, "portal/operators/agreement_detail.html", context)


@require_POST
@login_required
def agreement_action(request, pk: int, action: str):
    reason = posted_text(request, "reason")
    if action == "object":
        agreement = get_object_for(request.user, AuthorizationAgreement, pk)
        _run(
            request,
            lambda: services.agreement_object(
                agreement=agreement, user=request.user, reason=reason
            ),
        )
        return redirect(
            "portal:agreements"
            if request.user.org_kind == OrganizationKind.OPERATOR
            else "disclosure"
        )
    agreement = get_object_for(request.user, AuthorizationAgreement, pk, MANAGE)
    if action == "amend":
        try:
            new = services.agreement_amend(agreement=agreement, user=request.user)
        except DomainError as error:
            flash_domain_error(request, error)
        else:
            return redirect("portal:agreement_detail", pk=new.pk)
    calls = {
        "submit": lambda: services.agreement_submit(
            agreement=agreement, user=request.user, note=reason
        ),
        "withdraw": lambda: services.agreement_terminate(
            agreement=agreement, user=request.user, reason=reason
        ),
    }
    done = _("Submitted: the regulator reviews it next.") if action == "submit" else None
    _run(request, calls.get(action), done)
    return redirect("portal:agreement_detail", pk=pk)


@login_required
def reports(request):
    operator_only(request)
    form = ReportForm(
        request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year - 1}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_file(
                user=request.user,
                content=form.cleaned_data["content"],
                year=form.cleaned_data["year"],
                upload=form.cleaned_data.get("attachment"),
            )
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            messages.success(request, _("Filed."))
            return redirect("portal:operator_reports")
    return render(
        request,
        "portal/operators/reports.html",
        {"form": form, "reports": selectors.report_list(user=request.user)},
    )


def disclosure(request):
    """Public, no sign-in: agreements in force with their scope, term and caps, and the
    products listed under them with their prices."""
    return render(
        request,
        "portal/operators/disclosure.html",
        {
            "agreements": selectors.disclosed_agreements(),
            "notices": selectors.agreements_under_notice(),
            # Each operator's listed products with their prices.
            "products": product_selectors.disclosed_products(),
        },
    )


def agreement_notice(request, pk: int):
    """Public, no sign-in: an agreement under public notice, with the objection form for
    members of an organization."""
    agreement = get_object_for(request.user, AuthorizationAgreement, pk)
    if agreement.status != AgreementStatus.PUBLIC_NOTICE:
        raise Http404
    context = {
        "a": agreement,
        "can_object": getattr(request.user, "organization_id", None) is not None,
        "reason_form": ReasonForm(),
    }
    return render(request, "portal/operators/agreement_notice.html", context)


@require_GET  # a HEAD would record a read that delivers nothing
@login_required
def document_file(request, pk: int):
    """A qualification document, for its operator or the regulator (hash-verified)."""
    document = get_object_for(request.user, QualificationDocument, pk)
    content, content_type = services.document_read(document=document, user=request.user)
    return file_response(content, content_type, download_name(document.original_name, content_type))


@require_POST
@login_required
def agreement_document_upload(request, pk: int):
    """The signed agreement, uploaded by its operator or the regulator (the page each of
    them came from is where they return)."""
    agreement = get_object_for(request.user, AuthorizationAgreement, pk, MANAGE)
    form = AgreementDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_refused(request, _("Choose the signed agreement's file."))
    else:
        try:
            services.agreement_attach_document(
                agreement=agreement, user=request.user, upload=form.cleaned_data["file"]
            )
            messages.success(request, _("Uploaded."))
        except DomainError as error:
            flash_domain_error(request, error)
    if request.user.is_regulator:
        return redirect("console:agreement_review", pk=pk)
    return redirect("portal:agreement_detail", pk=pk)


@require_GET
@login_required
def agreement_document_file(request, pk: int):
    agreement = get_object_for(request.user, AuthorizationAgreement, pk)
    content, content_type = services.agreement_document_read(agreement=agreement, user=request.user)
    name = download_name(agreement.document_name or "agreement.pdf", content_type)
    return file_response(content, content_type, name)
