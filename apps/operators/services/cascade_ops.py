"""Takes agreements (and what hangs on them) down and brings back exactly those.

Every object a suspension changes is recorded in `Suspension.affected`; lifting walks
that list and restores only objects still suspended, so anything suspended on its own,
before or after, keeps its state.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.operators import cascade
from apps.operators.choices import AGREEMENT_TRANSITIONS, IN_FORCE, IN_PROGRESS
from apps.operators.choices import AgreementStatus as A
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import AuthorizationAgreement, Suspension
from apps.workflow import notice, review
from apps.workflow.transitions import transition

STAGE = "agreement"  # the authorizing body's review step of a submitted version


def agreement_move(agreement, to: str, *, actor: User | None, note: str = "") -> None:
    transition(agreement, to, table=AGREEMENT_TRANSITIONS, actor=actor, note=note)


def take_down_agreement(agreement, suspension: Suspension, *, actor, note: str) -> None:
    """Agreement (locked by the caller, in force) → suspended, then its dependants."""
    agreement_move(agreement, A.SUSPENDED, actor=actor, note=note)
    agreement.save(update_fields=["status", "updated_at"])
    suspension.affected.append({"hook": cascade.AGREEMENTS, "pk": agreement.pk})
    suspension.affected.extend(cascade.suspend_downstream(agreement, suspension))
    suspension.save(update_fields=["affected"])


def take_down_operator(profile, suspension: Suspension, *, actor) -> None:
    note = _("Operator suspended: %(reason)s") % {"reason": suspension.reason}
    for agreement in AuthorizationAgreement.objects.select_for_update().filter(
        operator_id=profile.organization_id, status=A.EFFECTIVE
    ):
        take_down_agreement(agreement, suspension, actor=actor, note=note)


def lift(suspension: Suspension, *, actor, note: str = "") -> None:
    """Restores what `suspension` took down that is still suspended, and closes it."""
    restored_downstream = []
    for entry in suspension.affected:
        if entry["hook"] != cascade.AGREEMENTS:
            restored_downstream.append(entry)
            continue
        agreement = AuthorizationAgreement.objects.select_for_update().get(pk=entry["pk"])
        if agreement.status == A.SUSPENDED:
            agreement_move(
                agreement, A.EFFECTIVE, actor=actor, note=note or _("Suspension lifted.")
            )
            agreement.save(update_fields=["status", "updated_at"])
    cascade.restore_downstream(restored_downstream, suspension)
    _close(suspension, actor=actor, note=note, restored=True)


def _close(suspension: Suspension, *, actor, note: str, restored: bool) -> None:
    suspension.closed_at = timezone.now()
    suspension.closed_by = actor
    suspension.closed_note = note
    suspension.restored = restored
    suspension.save(update_fields=["closed_at", "closed_by", "closed_note", "restored"])


def end_agreement(agreement, to: str, *, actor, note: str) -> None:
    """Agreement (locked) ends for good: revoked, terminated or expired. Open
    suspensions of it close without restoring; dependants end through the hooks."""
    in_force = agreement.status in IN_FORCE
    agreement_move(agreement, to, actor=actor, note=note)
    agreement.ended_at = timezone.now()
    agreement.notice_ends_at = None
    agreement.save(update_fields=["status", "ended_at", "notice_ends_at", "updated_at"])
    # A version ended while in progress leaves no open review step or notice behind.
    review.step_cancel(agreement, stage=STAGE, comment=note)
    notice.notice_cancel(agreement)
    for suspension in Suspension.objects.select_for_update().filter(
        agreement=agreement, closed_at__isnull=True
    ):
        _close(suspension, actor=actor, note=note, restored=False)
    if in_force:
        cascade.end_downstream(agreement)


def end_operator(profile, to: str, *, actor, reason: str) -> None:
    """Revocation revokes the operator's agreements in force; an exit terminates them.
    Versions still in progress are terminated either way."""
    in_force_to = A.REVOKED if to == Q.REVOKED else A.TERMINATED
    note = _("Operator %(status)s: %(reason)s") % {"status": Q(to).label, "reason": reason}
    agreements = AuthorizationAgreement.objects.select_for_update().filter(
        operator_id=profile.organization_id, status__in=[*IN_FORCE, *IN_PROGRESS]
    )
    for agreement in agreements.order_by("id"):
        target = in_force_to if agreement.status in IN_FORCE else A.TERMINATED
        end_agreement(agreement, target, actor=actor, note=note)
    for suspension in Suspension.objects.select_for_update().filter(
        profile=profile, closed_at__isnull=True
    ):
        _close(suspension, actor=actor, note=note, restored=False)
