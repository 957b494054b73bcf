"""The application and grant pages that the portal and the console both serve: review
queues, an application with its steps, thread and decision form, grant lists and a
grant with its actions. Here, below both surfaces (as apps.workflow.notification_pages),
so that neither imports the other; each surface wraps these in its own access checks
and passes its URL namespace. Reads go through apps.grants.selectors, writes through
the services; a refusal becomes a form error or an error message, and is audited."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from apps.accounts.choices import OrganizationKind
from apps.catalog.choices import MaskingRule
from apps.core import tables
from apps.core.exceptions import DomainError, PermissionDeniedError
from apps.core.forms import add_domain_error, flash_invalid, flash_unknown_action, run_action
from apps.core.http import file_response
from apps.core.names import choice_label
from apps.core.pages import page_of
from apps.core.permissions import MANAGE
from apps.grants import applications, approval, issuing, selectors
from apps.grants.choices import (
    APPLICATION_EDITABLE,
    APPLICATION_TRANSITIONS,
    ApplicationStatus,
    StepKind,
)
from apps.grants.columns import GRANT_COLUMNS, QUEUE_COLUMNS, with_application_names
from apps.grants.forms import (
    DecideForm,
    GrantActionForm,
    GrantFilterForm,
    MessageForm,
    QueueFilterForm,
    filters_of,
)
from apps.grants.models import AccessApplication, ApplicationAttachment, Grant
from apps.operators.files import download_name
from apps.products.choices import DeliveryMode
from apps.workflow import policy
from apps.workflow.policy import DECIDE, get_object_for

QUEUE_TABS = (
    ("mine", gettext_lazy("My queue")),
    ("overdue", gettext_lazy("Overdue")),
    ("all", gettext_lazy("All open steps")),
)

# The automated checks (apps.grants.checks) by their codes.
CHECK_LABELS = {
    "merchant_in_good_standing": gettext_lazy("Merchant in good standing"),
    "product_listed": gettext_lazy("Product listed"),
    "operator_qualified": gettext_lazy("Operator qualified and not dishonest"),
    "agreement_covers": gettext_lazy("Agreement in force and covering the scope and term"),
    "no_core_or_prohibited_data": gettext_lazy("No core or prohibited data"),
    "volume_within_limits": gettext_lazy("Expected volume within the product's limits"),
    "fields_offered": gettext_lazy("Requested fields still offered"),
    "previous_grant_active": gettext_lazy("Grant to renew still active"),
    # apps.grants.guards: passed, or refused with the guard's code.
    "issue_allowed": gettext_lazy("Operator's revenue cap not reached"),
    "revenue_cap_reached": gettext_lazy("Operator's revenue cap not reached"),
}


def kind_label(kind: str) -> str:
    return StepKind(kind).label if kind in StepKind.values else kind


def step_label(step) -> str:
    return kind_label(approval.step_kind(step))


def _tabs(request, current: str) -> list[dict]:
    query = request.GET.copy()
    query.pop("page", None)
    tabs = []
    for value, label in QUEUE_TABS:
        query["queue"] = value
        tabs.append({"label": label, "url": "?" + query.urlencode(), "active": value == current})
    return tabs


def queue_page(request, namespace: str, export=None):
    """The review steps the caller works from: mine, overdue or all, filtered, sorted,
    paged (or exported, `export` being the surface's list export)."""
    queue = request.GET.get("queue", "mine")
    queue = queue if queue in selectors.QUEUES else "mine"
    form = QueueFilterForm(request.GET)
    steps = selectors.review_queue(user=request.user, queue=queue, **filters_of(form))
    steps = with_application_names(steps)
    steps, response, listing = tables.listing(request, steps, QUEUE_COLUMNS, "due", export, "queue")
    if response is not None:
        return response
    paged = page_of(request, steps)
    by_id = selectors.applications_of_steps(paged["page"])
    now = timezone.now()
    rows = [
        {
            "step": step,
            "kind": step_label(step),
            "application": by_id.get(step.object_id),
            "overdue": bool(step.due_at and step.due_at < now),
            "mine": approval.may_decide(request.user, step),
        }
        for step in paged["page"]
    ]
    context = {
        "ns": namespace,
        "form": form,
        "keep": [("queue", queue)],
        "tabs": _tabs(request, queue),
        "rows": rows,
        **listing,
    }
    return render(request, "grants/queue.html", {**context, **paged})


def _field_rows(context) -> list[dict]:
    known = context["fields"]
    return [{"ident": ident, "field": known.get(ident)} for ident in context["application"].fields]


def application_page(request, application, namespace: str, **forms):
    """One application as `request.user` reads it; `forms` are bound forms to show again
    with their errors."""
    context = selectors.application_detail(user=request.user, application=application)
    pending = context["pending_step"]
    is_applicant = policy.allows(request.user, MANAGE, application)
    context.update(
        ns=namespace,
        is_applicant=is_applicant,
        editable=is_applicant and application.status in APPLICATION_EDITABLE,
        can_withdraw=is_applicant
        and ApplicationStatus.WITHDRAWN in APPLICATION_TRANSITIONS[application.status],
        # "messages" is the flash messages' name in every template.
        thread=context.pop("messages"),
        pending_kind=step_label(pending) if pending else "",
        field_rows=_field_rows(context),
        step_rows=[{"step": s, "kind": step_label(s)} for s in context["steps"]],
        terms=application.product.current_terms,
        check_rows=[
            {**c, "label": CHECK_LABELS.get(c.get("check"), c.get("check"))}
            for c in application.checks
        ],
        route_rows=[
            {"kind": kind_label(s["kind"]), "days": s["days"]}
            for s in application.route.get("steps", [])
        ],
        change_request=next(
            (s for s in reversed(context["steps"]) if s.decision == "changes_requested"), None
        ),
        decide_form=forms.get("decide_form")
        or (DecideForm(initial={"step": pending.pk}) if context["may_decide"] else None),
        message_form=forms.get("message_form") or MessageForm(),
    )
    return render(request, "grants/application_detail.html", context)


def decide(request, pk: int, namespace: str):
    """The decision on the open step named by the form (its assignee only: the service
    refuses anyone else, and the refusal shows on the form)."""
    application = get_object_for(request.user, AccessApplication, pk)
    if request.user.org_kind == OrganizationKind.MERCHANT:  # merchants hold no step
        raise PermissionDeniedError(_("Only reviewers decide."), code="not_a_reviewer")
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            approval.application_decide(
                application=application,
                user=request.user,
                step_id=data["step"],
                decision=data["decision"],
                comment=data["comment"],
            )
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(f"{namespace}:application_detail", pk=pk)
    return application_page(request, application, namespace, decide_form=form)


def message(request, pk: int, namespace: str):
    application = get_object_for(request.user, AccessApplication, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            applications.application_message(
                application=application, user=request.user, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            messages.success(request, _("Message sent."))
            return redirect(f"{namespace}:application_detail", pk=pk)
    return application_page(request, application, namespace, message_form=form)


@require_GET  # a HEAD would record a read that delivers nothing
def attachment_file(request, pk: int):
    """An attachment, for a party to its application (hash-verified, recorded)."""
    attachment = get_object_or_404(ApplicationAttachment, pk=pk)
    get_object_for(request.user, AccessApplication, attachment.application_id)
    content, content_type = applications.attachment_read(attachment=attachment, user=request.user)
    return file_response(content, content_type, download_name(attachment.name, content_type))


# Grants ----------------------------------------------------------------------------------


def grant_list_page(request, namespace: str, export=None):
    form = GrantFilterForm(request.GET)
    rows = selectors.grant_list(user=request.user, **filters_of(form))
    rows, response, listing = tables.listing(
        request, rows, GRANT_COLUMNS, "-number", export, "grants"
    )
    if response is not None:
        return response
    context = {"ns": namespace, "form": form, **listing, **page_of(request, rows)}
    return render(request, "grants/grant_list.html", context)


def _masking_rows(grant) -> list[dict]:
    return [
        {
            **field,
            "resource": source["resource"],
            "masking_label": choice_label(MaskingRule, field.get("masking") or MaskingRule.NONE),
        }
        for source in grant.scope.get("sources", [])
        for field in source.get("fields", [])
    ]


def grant_page(request, grant, namespace: str, **extra):
    context = selectors.grant_detail(user=request.user, grant=grant)
    context.update(
        ns=namespace,
        field_rows=_masking_rows(grant),
        delivery_modes=[
            choice_label(DeliveryMode, mode) for mode in grant.scope.get("delivery_modes") or []
        ],
        can_decide=policy.allows(request.user, DECIDE, grant),
        can_manage=policy.allows(request.user, MANAGE, grant),
        action_form=GrantActionForm(),
        **extra,
    )
    return render(request, "grants/grant_detail.html", context)


def grant_action(request, pk: int, action: str, namespace: str):
    """Suspend, resume or revoke (the operator of the product or the regulator)."""
    grant = get_object_for(request.user, Grant, pk, DECIDE)
    form = GrantActionForm(request.POST)
    if flash_invalid(request, form):
        return redirect(f"{namespace}:grant_detail", pk=pk)
    reason = form.cleaned_data["reason"]
    me = request.user
    calls = {
        "suspend": lambda: issuing.grant_suspend(grant=grant, user=me, reason=reason),
        "resume": lambda: issuing.grant_resume(grant=grant, user=me, note=reason),
        "revoke": lambda: issuing.grant_revoke(grant=grant, user=me, reason=reason),
    }
    if action not in calls:
        flash_unknown_action(request)
    else:
        run_action(request, calls[action], GRANT_DONE[action]())
    return redirect(f"{namespace}:grant_detail", pk=pk)


# What happened, in words (called per request, in its language).
GRANT_DONE = {
    "suspend": lambda: _("Grant suspended: its data is refused until it is resumed."),
    "resume": lambda: _("Grant resumed: its data can be read again."),
    "revoke": lambda: _("Grant revoked."),
}
