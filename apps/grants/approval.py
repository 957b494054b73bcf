"""The review steps of an application, one at a time in the route's order (operator →
provider agency → security review → regulator sign-off), and their decisions.

Each step is an apps.workflow ReviewStep assigned to one organization and role, due
in working days (apps.grants.workdays). A decision names the step it decides: two
reviewers deciding the same step at once give exactly one decision (the application
row is locked and the step's compare-and-swap refuses the second with
`already_decided`). An approval opens the next step, the last one issues the grant.
Approvals given before a change request stand; the step that asked for the change is
opened again when the merchant resubmits (and any step the new route adds).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.models import User
from apps.catalog.choices import Classification
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.grants.applications import application_move
from apps.grants.choices import STEP_ASSIGNEE, Decision, StepKind
from apps.grants.choices import ApplicationStatus as A
from apps.grants.links import page_for
from apps.grants.models import AccessApplication
from apps.grants.workdays import due_at
from apps.workflow import review
from apps.workflow.models import Decision as StepDecision
from apps.workflow.models import ReviewStep
from apps.workflow.notifications import (
    NotificationCategory,
    Phrase,
    notifications_settle,
    notify,
    notify_decision,
)
from apps.workflow.transitions import record_change

STAGE_PREFIX = "application."


@dataclass(frozen=True)
class PlannedStep:
    stage: str
    kind: str
    organization_id: int
    role: str
    days: int


def planned_steps(application: AccessApplication) -> list[PlannedStep]:
    """The route's steps with their assignees: the product's operator, the provider of
    each important source (of every source when none is important), the regulator that
    signed the agreement for the security review and the sign-off."""
    product = application.product
    authority = product.agreement.authority_id
    out = []
    for step in application.route.get("steps", []):
        kind, days = step["kind"], int(step["days"])
        role = STEP_ASSIGNEE[StepKind(kind)][1]
        if kind == StepKind.PROVIDER:
            sources = [s.resource for s in product.sources.select_related("resource")]
            important = [r for r in sources if r.classification == Classification.IMPORTANT]
            for provider in sorted({r.provider_id for r in important or sources}):
                out.append(
                    PlannedStep(f"{STAGE_PREFIX}provider.{provider}", kind, provider, role, days)
                )
        else:
            organization = product.operator_id if kind == StepKind.OPERATOR else authority
            out.append(PlannedStep(f"{STAGE_PREFIX}{kind}", kind, organization, role, days))
    return out


def step_kind(step: ReviewStep) -> str:
    return step.stage.removeprefix(STAGE_PREFIX).split(".")[0]


def may_decide(user: User, step: ReviewStep) -> bool:
    """The step's organization, in its role or as an administrator."""
    return (
        user.is_authenticated
        and user.organization_id == step.assignee_organization_id
        and user.role in (Role.ADMIN, step.assignee_role)
    )


def _tell_reviewers(application: AccessApplication, step: ReviewStep, kind: str) -> None:
    organization_kind = STEP_ASSIGNEE[StepKind(kind)][0]
    notify(
        category=NotificationCategory.REVIEW,
        verb="grants.application.step_opened",
        title=Phrase(
            gettext_lazy("Application #%(id)d waits for your review (%(step)s)"),
            id=application.pk,
            step=StepKind(kind).label,
        ),
        body=Phrase(
            gettext_lazy("Due %(due)s."), due=timezone.localtime(step.due_at).strftime("%Y-%m-%d")
        ),
        organization=step.assignee_organization_id,
        roles=[Role.ADMIN, step.assignee_role],
        obj=application,
        link=page_for(organization_kind, "application", application.pk),
        key=f"step-open-{step.pk}",
    )


def open_next_step(application: AccessApplication, *, actor=None) -> ReviewStep | None:
    """Opens the first planned step not yet approved (none open: the application is
    approved). The caller holds the application's lock."""
    approved = set(
        review.steps_for(application)
        .filter(decision=StepDecision.APPROVED)
        .values_list("stage", flat=True)
    )
    for planned in planned_steps(application):
        if planned.stage in approved:
            continue
        step = review.step_open(
            application,
            stage=planned.stage,
            assignee_organization_id=planned.organization_id,
            assignee_role=planned.role,
            due_at=due_at(timezone.now(), planned.days),
        )
        _tell_reviewers(application, step, planned.kind)
        return step
    finish(application, A.APPROVED, actor=actor, note=_("Every review step approved."))
    return None


# The keys of a step's notifications to its reviewers (opened, due soon, overdue).
STEP_NOTICES = ("step-open-{}", "step-due-{}", "step-overdue-{}")


def settle_steps(application: AccessApplication) -> None:
    """The reviewers' notices of every step no longer pending leave their unread count."""
    closed = review.steps_for(application).exclude(decision=StepDecision.PENDING)
    ids = closed.values_list("pk", flat=True)
    notifications_settle(key.format(pk) for pk in ids for key in STEP_NOTICES)


def finish(application: AccessApplication, to: str, *, actor, note: str = "") -> None:
    """Approved (the grant is issued in the same transaction) or rejected."""
    from apps.grants.issuing import grant_issue

    application_move(application, to, actor=actor, note=note)
    application.decided_at = timezone.now()
    application.save()
    review.steps_cancel_all(application, comment=note)
    settle_steps(application)
    grant = grant_issue(application, actor=actor) if to == A.APPROVED else None
    title = Phrase(
        gettext_lazy("Application #%(id)d was approved")
        if grant
        else gettext_lazy("Application #%(id)d was rejected"),
        id=application.pk,
    )
    notify_decision(
        application,
        organization_id=application.merchant_id,
        verb=f"grants.application.{to}",
        title=title,
        body=note,
        link=page_for(OrganizationKind.MERCHANT, "application", application.pk),
    )


def _lock(application: AccessApplication) -> AccessApplication:
    return (
        AccessApplication.objects.select_for_update(of=("self",))
        .select_related("product", "product__agreement")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_decide(
    *, application: AccessApplication, user: User, step_id, decision: str, comment: str
) -> ReviewStep:
    """Decides step `step_id` of the application: approve (next step or the grant),
    reject, or request changes (back to the merchant). A comment is required."""
    if decision not in Decision.values:
        raise InvalidInput(
            _("Choose approve, reject or request changes."),
            code="invalid_decision",
            details={"decision": [_("Not a decision.")]},
        )
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(
            _("Every decision carries a comment."),
            code="comment_required",
            details={"comment": [_("This field is required.")]},
        )
    application = _lock(application)
    if user.organization_id == application.merchant_id:
        raise PermissionDeniedError(
            _("You cannot review your own application."), code="own_application"
        )
    step = review.steps_for(application).filter(pk=step_id).first()
    if step is None:
        raise InvalidInput(
            _("No such review step on this application."),
            code="no_review_step",
            details={"step": [_("Not a step of this application.")]},
        )
    if not may_decide(user, step):
        raise PermissionDeniedError(
            _("This review step is assigned to someone else."), code="not_your_step"
        )
    if step.decision != StepDecision.PENDING or application.status != A.IN_REVIEW:
        raise TransitionNotAllowed(
            _("This review has already been decided."),
            code="already_decided",
            details={"decision": step.decision},
        )
    step = review.step_decide(
        application, stage=step.stage, decision=decision, user=user, comment=comment
    )
    kind = step_kind(step)
    record_change(
        user,
        "grants.accessapplication.decide",
        application,
        reason=comment,
        data={"step": step.pk, "stage": step.stage, "kind": kind, "decision": decision},
    )
    # The decided step's notices settle once: here, or in `finish` with every other step.
    if decision == Decision.APPROVE:
        if open_next_step(application, actor=user) is not None:
            settle_steps(application)
    elif decision == Decision.REJECT:
        finish(application, A.REJECTED, actor=user, note=comment)
    else:
        settle_steps(application)
        application_move(application, A.CHANGES_REQUESTED, actor=user, note=comment)
        application.save()
        notify_decision(
            application,
            organization_id=application.merchant_id,
            verb="grants.application.changes_requested",
            title=Phrase(
                gettext_lazy("Changes requested on application #%(id)d"), id=application.pk
            ),
            body=comment,
            link=page_for(OrganizationKind.MERCHANT, "application", application.pk),
        )
    return step
