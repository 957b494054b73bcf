"""Agreement suspension and its ends: suspend, resume, revoke, terminate, expire."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import PermissionDeniedError, TransitionNotAllowed
from apps.operators.choices import IN_FORCE, IN_PROGRESS, SuspensionKind
from apps.operators.choices import AgreementStatus as A
from apps.operators.models import AuthorizationAgreement, Suspension
from apps.operators.services import agreement_rules as rules
from apps.operators.services.agreements import _lock, _require_party
from apps.operators.services.cascade_ops import end_agreement, lift, take_down_agreement
from apps.operators.services.common import require_reason
from apps.workflow.policy import require_regulator


@transaction.atomic
def agreement_suspend(
    *, agreement: AuthorizationAgreement, reviewer: User, reason: str
) -> Suspension:
    require_regulator(reviewer)
    reason = require_reason(reason)
    agreement = _lock(agreement)
    if agreement.status != A.EFFECTIVE:
        raise TransitionNotAllowed(
            _("Only an effective agreement can be suspended."),
            code="already_suspended" if agreement.status == A.SUSPENDED else None,
            details={"status": agreement.status},
        )
    suspension = Suspension.objects.create(
        kind=SuspensionKind.SUSPEND, agreement=agreement, reason=reason, created_by=reviewer
    )
    take_down_agreement(agreement, suspension, actor=reviewer, note=reason)
    return suspension


@transaction.atomic
def agreement_resume(
    *, agreement: AuthorizationAgreement, reviewer: User, note: str = ""
) -> AuthorizationAgreement:
    """Lifts the agreement's own suspension (an operator suspension is lifted on the operator)."""
    require_regulator(reviewer)
    agreement = _lock(agreement)
    suspension = (
        Suspension.objects.select_for_update()
        .filter(agreement=agreement, closed_at__isnull=True)
        .first()
    )
    if agreement.status != A.SUSPENDED or suspension is None:
        raise TransitionNotAllowed(
            _("This agreement has no suspension of its own to lift."), code="no_own_suspension"
        )
    rules.check_operator_qualified(agreement)
    lift(suspension, actor=reviewer, note=note)
    agreement.refresh_from_db()
    return agreement


@transaction.atomic
def agreement_revoke(
    *, agreement: AuthorizationAgreement, reviewer: User, reason: str
) -> AuthorizationAgreement:
    require_regulator(reviewer)
    reason = require_reason(reason)
    agreement = _lock(agreement)
    end_agreement(agreement, A.REVOKED, actor=reviewer, note=reason)
    return agreement


@transaction.atomic
def agreement_terminate(
    *, agreement: AuthorizationAgreement, user: User, reason: str
) -> AuthorizationAgreement:
    """The regulator ends an agreement early; the operator may withdraw a version in progress."""
    _require_party(agreement, user)
    reason = require_reason(reason)
    agreement = _lock(agreement)
    if not user.is_regulator and agreement.status not in IN_PROGRESS:
        raise PermissionDeniedError(_("Only the regulator may terminate an agreement in force."))
    end_agreement(agreement, A.TERMINATED, actor=user, note=reason)
    return agreement


@transaction.atomic
def agreement_expire(*, agreement_id: int, today=None) -> AuthorizationAgreement | None:
    """Timer: the term is over. Safe to run twice."""
    today = today or timezone.localdate()
    agreement = (
        AuthorizationAgreement.objects.select_for_update()
        .filter(pk=agreement_id, status__in=IN_FORCE, term_end__lt=today)
        .first()
    )
    if agreement is None:
        return None
    end_agreement(agreement, A.EXPIRED, actor=None, note=_("The term ended."))
    return agreement
