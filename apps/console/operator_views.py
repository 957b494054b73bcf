"""Regulator pages: qualification queue, agreement review, suspension and revocation
(each with a mandatory reason), annual reports. All through apps.operators.services."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.console.exports import list_context, list_export
from apps.console.list_columns import AGREEMENT_COLUMNS, OPERATOR_COLUMNS
from apps.console.views import regulator_required
from apps.core import tables
from apps.core.forms import flash_unknown_action, posted_text, run_action
from apps.core.permissions import MANAGE
from apps.operators import selectors, services
from apps.operators.choices import AgreementStatus, CreditStatus, QualificationStatus
from apps.operators.models import AnnualReport, AuthorizationAgreement, OperatorProfile
from apps.operators.report_due import overdue_reports, report_due_on
from apps.workflow import policy
from apps.workflow.policy import DECIDE, get_object_for
from apps.workflow.review import steps_for


def _choice(request, name: str, choices) -> str | None:
    """A filter value from the query string, dropped unless it is one of `choices`."""
    value = request.GET.get(name, "")
    return value if value in choices.values else None


def _run(request, call) -> None:
    if call is None:
        flash_unknown_action(request)
        return
    run_action(request, call)


@regulator_required
def operator_queue(request):
    status = _choice(request, "status", QualificationStatus)
    profiles = selectors.profile_list(user=request.user, status=status)
    current = tables.ordering(request, OPERATOR_COLUMNS, "operator")
    profiles = tables.sort(profiles, OPERATOR_COLUMNS, current, tie="pk")
    export = list_export(request, profiles, OPERATOR_COLUMNS, "operators")
    if export is not None:
        return export
    context = {
        "queue": selectors.qualification_queue(user=request.user),
        "profiles": profiles,
        "statuses": QualificationStatus.choices,
        "status": status,
        **list_context(request, OPERATOR_COLUMNS, current),
    }
    return render(request, "console/operators/queue.html", context)


@regulator_required
def operator_review(request, pk: int):
    profile = get_object_for(request.user, OperatorProfile, pk)
    context = {
        "profile": profile,
        "documents": profile.documents.all(),
        "history": selectors.profile_history(user=request.user, profile=profile),
        "steps": steps_for(profile),
        "agreements": selectors.agreement_list(user=request.user).filter(
            operator_id=profile.organization_id
        ),
        "credit_choices": CreditStatus.choices,
        "can_decide": policy.allows(request.user, DECIDE, profile),
    }
    return render(request, "console/operators/review.html", context)


@require_POST
@regulator_required
def operator_decide(request, pk: int, decision: str):
    profile = get_object_for(request.user, OperatorProfile, pk, DECIDE)
    text, me = posted_text(request, "reason"), request.user
    calls = {
        "start": lambda: services.qualification_start_review(profile=profile, reviewer=me),
        "approve": lambda: services.qualification_approve(profile=profile, reviewer=me, note=text),
        "return": lambda: services.qualification_return(profile=profile, reviewer=me, reason=text),
        "suspend": lambda: services.qualification_suspend(
            profile=profile, reviewer=me, reason=text
        ),
        "reinstate": lambda: services.qualification_reinstate(
            profile=profile, reviewer=me, note=text
        ),
        "revoke": lambda: services.qualification_revoke(profile=profile, reviewer=me, reason=text),
        "rereview": lambda: services.qualification_rereview(
            profile=profile, reviewer=me, note=text
        ),
        "credit": lambda: services.qualification_set_credit_status(
            profile=profile,
            reviewer=me,
            credit_status=request.POST.get("credit_status", ""),
            reason=text,
        ),
    }
    _run(request, calls.get(decision))
    return redirect("console:operator_review", pk=pk)


@regulator_required
def agreement_queue(request):
    status = _choice(request, "status", AgreementStatus)
    ending = request.GET.get("ending_within", "")
    ending = int(ending) if ending.isascii() and ending.isdigit() and len(ending) <= 4 else None
    agreements = selectors.agreement_list(user=request.user, status=status)
    if ending is not None:
        agreements = selectors.agreements_ending(agreements, days=ending)
    current = tables.ordering(request, AGREEMENT_COLUMNS, "-number")
    agreements = tables.sort(agreements, AGREEMENT_COLUMNS, current)
    export = list_export(request, agreements, AGREEMENT_COLUMNS, "agreements")
    if export is not None:
        return export
    context = {
        "queue": selectors.agreement_review_queue(user=request.user),
        "agreements": agreements,
        "statuses": AgreementStatus.choices,
        "status": status,
        "ending_within": ending,
        **list_context(request, AGREEMENT_COLUMNS, current),
    }
    return render(request, "console/operators/agreements.html", context)


@regulator_required
def agreement_review(request, pk: int):
    agreement = get_object_for(request.user, AuthorizationAgreement, pk)
    context = {
        "agreement": agreement,
        "scope": agreement.scope.select_related("resource"),
        "history": selectors.agreement_history(user=request.user, agreement=agreement),
        "steps": steps_for(agreement),
        "readable": policy.readable_fields(request.user, agreement),
        "can_decide": policy.allows(request.user, DECIDE, agreement),
        "objections": selectors.agreement_objections(user=request.user, agreement=agreement),
        "diff": selectors.agreement_changes(user=request.user, agreement=agreement),
    }
    return render(request, "console/operators/agreement_review.html", context)


@require_POST
@regulator_required
def agreement_decide(request, pk: int, decision: str):
    action = MANAGE if decision == "terminate" else DECIDE
    agreement = get_object_for(request.user, AuthorizationAgreement, pk, action)
    text, me = posted_text(request, "reason"), request.user
    calls = {
        "approve": lambda: services.agreement_approve(agreement=agreement, reviewer=me, note=text),
        "return": lambda: services.agreement_return(agreement=agreement, reviewer=me, reason=text),
        "suspend": lambda: services.agreement_suspend(
            agreement=agreement, reviewer=me, reason=text
        ),
        "resume": lambda: services.agreement_resume(agreement=agreement, reviewer=me, note=text),
        "revoke": lambda: services.agreement_revoke(agreement=agreement, reviewer=me, reason=text),
        "terminate": lambda: services.agreement_terminate(
            agreement=agreement, user=me, reason=text
        ),
    }
    _run(request, calls.get(decision))
    return redirect("console:agreement_review", pk=pk)


@regulator_required
def reports(request):
    today = timezone.localdate()
    context = {
        "reports": selectors.report_list(user=request.user),
        "can_decide": policy.may(request.user, DECIDE, AnnualReport),
        # Reports for last year not filed by this year's due date (OPERATORS_ANNUAL_REPORT_DUE).
        "overdue": list(overdue_reports(today)),
        "overdue_year": today.year - 1,
        "report_due": report_due_on(today.year),
    }
    return render(request, "console/operators/reports.html", context)


@require_POST
@regulator_required
def report_decide(request, pk: int, decision: str):
    report = get_object_for(request.user, AnnualReport, pk, DECIDE)
    text, me = posted_text(request, "reason"), request.user
    calls = {
        "accept": lambda: services.report_accept(report=report, reviewer=me, note=text),
        "return": lambda: services.report_return(report=report, reviewer=me, reason=text),
    }
    _run(request, calls.get(decision))
    return redirect("console:operator_reports")
