"""Agreement review and public notice: submit, return, approve, object, close the notice.

The authorizing body's decision is a review step (apps.workflow.review) and the
announcement a public notice (apps.workflow.notice); the status moves through
cascade_ops.agreement_move. One function per transition.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.choices import Role
from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, TransitionNotAllowed
from apps.operators import cascade
from apps.operators.choices import IN_FORCE
from apps.operators.choices import AgreementStatus as A
from apps.operators.models import AuthorizationAgreement, OperatorProfile
from apps.operators.services import agreement_rules as rules
from apps.operators.services.agreements import _lock, _require_party
from apps.operators.services.cascade_ops import STAGE, agreement_move
from apps.operators.services.common import require_reason
from apps.workflow import notice, review
from apps.workflow.models import Decision, Objection
from apps.workflow.notifications import Phrase, notify_decision
from apps.workflow.policy import require_regulator


def _check_for_force(agreement: AuthorizationAgreement) -> None:
    rules.check_operator_qualified(agreement)
    rules.check_scope_still_valid(agreement)
    rules.check_no_overlap(agreement)
    rules.check_version_term(agreement)


def _back_to_review(agreement: AuthorizationAgreement, *, actor, note: str) -> None:
    """Under review again (objection, failed guard): a new step for the authority."""
    agreement_move(agreement, A.UNDER_REVIEW, actor=actor, note=note)
    agreement.notice_ends_at = None
    agreement.save(update_fields=["status", "notice_ends_at", "updated_at"])
    _open_review(agreement)


def _open_review(agreement: AuthorizationAgreement) -> None:
    review.step_open(
        agreement,
        stage=STAGE,
        assignee_organization_id=agreement.authority_id,
        assignee_role=Role.REVIEWER,
        due_at=timezone.now() + timedelta(days=settings.OPERATORS_REVIEW_DAYS),
    )


@transaction.atomic
def agreement_submit(
    *, agreement: AuthorizationAgreement, user: User, note: str = ""
) -> AuthorizationAgreement:
    _require_party(agreement, user)
    agreement = _lock(agreement)
    rules.check_term_not_over(agreement)
    _check_for_force(agreement)
    rules.check_document_attached(agreement)
    agreement_move(agreement, A.UNDER_REVIEW, actor=user, note=note)
    agreement.save(update_fields=["status", "updated_at"])
    _open_review(agreement)
    return agreement


@transaction.atomic
def agreement_return(
    *, agreement: AuthorizationAgreement, reviewer: User, reason: str
) -> AuthorizationAgreement:
    require_regulator(reviewer)
    reason = require_reason(reason)
    agreement = _lock(agreement)
    review.step_decide(
        agreement, stage=STAGE, decision=Decision.CHANGES_REQUESTED, user=reviewer, comment=reason
    )
    agreement_move(agreement, A.RETURNED, actor=reviewer, note=reason)
    agreement.save(update_fields=["status", "updated_at"])
    _tell_operator(agreement, "returned", reason)
    return agreement


@transaction.atomic
def agreement_approve(
    *, agreement: AuthorizationAgreement, reviewer: User, note: str = ""
) -> AuthorizationAgreement:
    """Review passed: the agreement goes to public notice for OPERATORS_NOTICE_DAYS."""
    require_regulator(reviewer)
    agreement = _lock(agreement)
    # The step first: of two reviewers deciding at once, the second hears "already decided".
    review.step_decide(
        agreement, stage=STAGE, decision=Decision.APPROVED, user=reviewer, comment=note
    )
    rules.check_document_attached(agreement)
    _check_for_force(agreement)
    agreement_move(agreement, A.PUBLIC_NOTICE, actor=reviewer, note=note)
    notice.objections_resolve(agreement, resolution=note or _("Considered in review."))
    opened = notice.notice_open(agreement, days=settings.OPERATORS_NOTICE_DAYS)
    agreement.notice_ends_at = opened.ends_at
    agreement.save(update_fields=["status", "notice_ends_at", "updated_at"])
    _tell_operator(agreement, "approved", note)
    return agreement


def _tell_operator(agreement: AuthorizationAgreement, decision: str, note: str) -> None:
    title = Phrase(
        gettext_lazy("Agreement %(number)s was returned for changes")
        if decision == "returned"
        else gettext_lazy("Agreement %(number)s passed review and is in public notice"),
        number=agreement.number,
    )
    notify_decision(
        agreement,
        organization_id=agreement.operator_id,
        verb=f"operators.agreement.{decision}",
        title=title,
        body=note,
        link=reverse("portal:agreement_detail", args=[agreement.pk]),
    )


@transaction.atomic
def agreement_object(*, agreement: AuthorizationAgreement, user: User, reason: str) -> Objection:
    """Any organization may object during public notice: the agreement goes back to review."""
    reason = require_reason(reason)
    agreement = _lock(agreement)
    if agreement.status != A.PUBLIC_NOTICE:
        raise TransitionNotAllowed(_("Objections are accepted only during public notice."))
    objection = notice.notice_object(agreement, user=user, reason=reason)
    _back_to_review(agreement, actor=user, note=reason)
    return objection


@transaction.atomic
def agreement_close_notice(*, agreement_id: int, now=None) -> AuthorizationAgreement | None:
    """Timer: notice over without objection → effective; the version it amends (if any)
    is superseded in the same transaction. If a guard no longer holds, back to review."""
    now = now or timezone.now()
    operator_id = (
        AuthorizationAgreement.objects.filter(pk=agreement_id)
        .values_list("operator_id", flat=True)
        .first()
    )
    if operator_id is None:
        return None
    # The lock order of suspension (the operator's profile, then its agreements): a
    # suspension that committed a moment ago is seen by the qualification check below, and
    # one that starts now waits and then takes this agreement down with the others.
    list(OperatorProfile.objects.select_for_update().filter(organization_id=operator_id))
    agreement = (
        AuthorizationAgreement.objects.select_for_update()
        .filter(pk=agreement_id, status=A.PUBLIC_NOTICE)
        .first()
    )
    if agreement is None or notice.notice_close_if_due(agreement, now=now) is None:
        return None
    old = None
    if agreement.amends_id:
        old = AuthorizationAgreement.objects.select_for_update().get(pk=agreement.amends_id)
    try:
        _check_for_force(agreement)
        if old is not None and old.status == A.SUSPENDED:
            raise TransitionNotAllowed(_("The version in force is suspended."))
    except (TransitionNotAllowed, InvalidInput) as problem:
        _back_to_review(agreement, actor=None, note=str(problem.message))
        return agreement
    if old is not None and old.status in IN_FORCE:
        agreement_move(
            old,
            A.SUPERSEDED,
            actor=None,
            note=_("Replaced by version %(v)d.") % {"v": agreement.version},
        )
        old.ended_at = now
        old.save(update_fields=["status", "ended_at", "updated_at"])
    agreement_move(
        agreement, A.EFFECTIVE, actor=None, note=_("Public notice ended without objection.")
    )
    agreement.notice_ends_at = None
    agreement.effective_at = now
    agreement.save(update_fields=["status", "notice_ends_at", "effective_at", "updated_at"])
    if old is not None:
        cascade.supersede_downstream(old, agreement)
    return agreement
