"""Operator profiles and the qualification life cycle. One function per transition."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.choices import Role
from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.operators import files
from apps.operators.choices import (
    PROFILE_EDITABLE,
    QUALIFICATION_TRANSITIONS,
    CreditStatus,
    DocumentKind,
    SuspensionKind,
)
from apps.operators.choices import QualificationStatus as Q
from apps.operators.models import OperatorProfile, QualificationDocument, Suspension
from apps.operators.services import cascade_ops
from apps.operators.services.common import require_reason
from apps.operators.services.profiles import reviewed_facts_changed
from apps.workflow import review
from apps.workflow.history import history_record
from apps.workflow.models import Decision
from apps.workflow.policy import require_regulator
from apps.workflow.transitions import record_change, transition


def _lock(profile: OperatorProfile) -> OperatorProfile:
    return OperatorProfile.objects.select_for_update().get(pk=profile.pk)


STAGE = "qualification"  # the regulator's review step of an application


def _move(profile: OperatorProfile, to: str, *, actor: User | None, reason: str = "") -> None:
    transition(profile, to, table=QUALIFICATION_TRANSITIONS, actor=actor, note=reason)


def _require_member(profile: OperatorProfile, user: User) -> None:
    if user.organization_id != profile.organization_id:
        raise PermissionDeniedError(_("Only the operator itself may do this."))


def document_upload(
    *, profile: OperatorProfile, user: User, kind: str, upload
) -> QualificationDocument:
    """A qualification document, while the profile may be edited; a qualified operator's
    new document flags a re-review, as a changed fact does."""
    _require_member(profile, user)
    if kind not in DocumentKind.values:
        raise InvalidInput(details={"kind": [_("Unknown document kind.")]})
    if upload is None:
        raise InvalidInput(_("Attach a file."), details={"file": [_("This field is required.")]})
    _require_editable(profile)
    with files.store_then_commit(upload, folder=f"profiles/{profile.pk}") as stored:
        profile = _lock(profile)
        _require_editable(profile)
        record_change(
            user,
            "operators.qualificationdocument.upload",
            profile,
            data={"kind": kind, "name": stored.name, "sha256": stored.sha256, "size": stored.size},
        )
        document = QualificationDocument.objects.create(
            profile=profile,
            kind=kind,
            original_name=stored.name,
            file_path=stored.path,
            content_type=stored.content_type,
            size_bytes=stored.size,
            sha256=stored.sha256,
            uploaded_by=user,
        )
        if profile.status == Q.QUALIFIED:
            reviewed_facts_changed(profile, user, [DocumentKind(kind).label])
    return document


def _require_editable(profile: OperatorProfile) -> None:
    if profile.status not in PROFILE_EDITABLE:
        raise TransitionNotAllowed(_("The profile cannot be changed in its current state."))


@transaction.atomic
def qualification_apply(*, profile: OperatorProfile, user: User, note: str = "") -> OperatorProfile:
    """The operator applies (again, after a return) with its profile and documents."""
    _require_member(profile, user)
    profile = _lock(profile)
    if not profile.documents.exists():
        raise InvalidInput(
            _("Upload at least one qualification document before applying."),
            code="documents_missing",
        )
    _move(profile, Q.APPLIED, actor=user, reason=note)
    profile.save(update_fields=["status", "updated_at"])
    review.step_open(
        profile,
        stage=STAGE,
        assignee_role=Role.REVIEWER,
        due_at=timezone.now() + timedelta(days=settings.OPERATORS_REVIEW_DAYS),
    )
    return profile


@transaction.atomic
def qualification_start_review(*, profile: OperatorProfile, reviewer: User) -> OperatorProfile:
    require_regulator(reviewer)
    profile = _lock(profile)
    _move(profile, Q.UNDER_REVIEW, actor=reviewer)
    review.step_claim(profile, stage=STAGE, user=reviewer)
    profile.save(update_fields=["status", "updated_at"])
    return profile


@transaction.atomic
def qualification_approve(
    *, profile: OperatorProfile, reviewer: User, note: str = ""
) -> OperatorProfile:
    require_regulator(reviewer)
    profile = _lock(profile)
    review.step_decide(
        profile, stage=STAGE, decision=Decision.APPROVED, user=reviewer, comment=note
    )
    _move(profile, Q.QUALIFIED, actor=reviewer, reason=note)
    profile.qualified_at = profile.last_reviewed_at = timezone.now()
    profile.rereview_due = False
    profile.save()
    _tell_operator(profile, "approved", note)
    return profile


@transaction.atomic
def qualification_return(
    *, profile: OperatorProfile, reviewer: User, reason: str
) -> OperatorProfile:
    require_regulator(reviewer)
    reason = require_reason(reason)
    profile = _lock(profile)
    review.step_decide(
        profile, stage=STAGE, decision=Decision.CHANGES_REQUESTED, user=reviewer, comment=reason
    )
    _move(profile, Q.RETURNED, actor=reviewer, reason=reason)
    profile.save(update_fields=["status", "updated_at"])
    _tell_operator(profile, "returned", reason)
    return profile


def _tell_operator(profile: OperatorProfile, decision: str, note: str) -> None:
    from apps.workflow.notifications import notify_decision

    title = (
        gettext_lazy("The operator qualification was returned for changes")
        if decision == "returned"
        else gettext_lazy("The operator qualification was approved")
    )
    notify_decision(
        profile,
        organization_id=profile.organization_id,
        verb=f"operators.qualification.{decision}",
        title=title,
        body=note,
        link=reverse("portal:operator_profile"),
    )


@transaction.atomic
def qualification_suspend(*, profile: OperatorProfile, reviewer: User, reason: str) -> Suspension:
    """Suspends the operator and, in the same transaction, its agreements in force and
    everything that hangs on them. The Suspension row remembers exactly what it took."""
    require_regulator(reviewer)
    reason = require_reason(reason)
    profile = _lock(profile)
    _move(profile, Q.SUSPENDED, actor=reviewer, reason=reason)
    profile.save(update_fields=["status", "updated_at"])
    suspension = Suspension.objects.create(
        kind=SuspensionKind.SUSPEND, profile=profile, reason=reason, created_by=reviewer
    )
    cascade_ops.take_down_operator(profile, suspension, actor=reviewer)
    return suspension


@transaction.atomic
def qualification_reinstate(
    *, profile: OperatorProfile, reviewer: User, note: str = ""
) -> OperatorProfile:
    """Lifts the operator's suspension: restores exactly what it took down."""
    require_regulator(reviewer)
    profile = _lock(profile)
    _move(profile, Q.QUALIFIED, actor=reviewer, reason=note)
    profile.save(update_fields=["status", "updated_at"])
    for suspension in Suspension.objects.select_for_update().filter(
        profile=profile, closed_at__isnull=True
    ):
        cascade_ops.lift(suspension, actor=reviewer, note=note)
    return profile


def _end(profile: OperatorProfile, to: str, *, actor: User, reason: str) -> OperatorProfile:
    profile = _lock(profile)
    _move(profile, to, actor=actor, reason=reason)
    profile.save(update_fields=["status", "updated_at"])
    cascade_ops.end_operator(profile, to, actor=actor, reason=reason)
    return profile


@transaction.atomic
def qualification_revoke(
    *, profile: OperatorProfile, reviewer: User, reason: str
) -> OperatorProfile:
    """Revokes the qualification; every agreement of the operator is revoked with it."""
    require_regulator(reviewer)
    return _end(profile, Q.REVOKED, actor=reviewer, reason=require_reason(reason))


@transaction.atomic
def qualification_exit(*, profile: OperatorProfile, user: User, reason: str) -> OperatorProfile:
    """The operator leaves (or the regulator records its exit); agreements terminate."""
    if not user.is_regulator:
        _require_member(profile, user)
        if not user.is_org_admin:
            raise PermissionDeniedError(_("Only an administrator of the operator may exit."))
    return _end(profile, Q.EXITED, actor=user, reason=require_reason(reason))


@transaction.atomic
def qualification_rereview(
    *, profile: OperatorProfile, reviewer: User, note: str = ""
) -> OperatorProfile:
    """The annual re-review is done: clears the flag the timer set."""
    require_regulator(reviewer)
    profile = _lock(profile)
    if profile.status not in (Q.QUALIFIED, Q.SUSPENDED):
        raise TransitionNotAllowed(_("Only a qualified operator is re-reviewed."))
    profile.last_reviewed_at = timezone.now()
    profile.rereview_due = False
    profile.save(update_fields=["last_reviewed_at", "rereview_due", "updated_at"])
    history_record(
        profile,
        from_status=profile.status,
        to_status=profile.status,
        actor=reviewer,
        note=note or _("Annual re-review completed."),
    )
    return profile


@transaction.atomic
def qualification_set_credit_status(
    *, profile: OperatorProfile, reviewer: User, credit_status: str, reason: str
) -> OperatorProfile:
    """The regulator records the operator's credit standing. A dishonest listing stops new
    agreements from taking effect (see agreement_rules.check_operator_qualified)."""
    require_regulator(reviewer)
    reason = require_reason(reason)
    if credit_status not in CreditStatus.values:
        raise InvalidInput(details={"credit_status": [_("Unknown credit status.")]})
    profile = _lock(profile)
    record_change(
        reviewer,
        "operators.operatorprofile.credit_status",
        profile,
        reason=reason,
        before={"credit_status": profile.credit_status},
        after={"credit_status": credit_status},
    )
    profile.credit_status = credit_status
    profile.save(update_fields=["credit_status", "updated_at"])
    return profile


def rereview_flag(*, now=None) -> int:
    """Timer: flags qualified operators whose last review is older than the period."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OPERATORS_REREVIEW_DAYS)
    return OperatorProfile.objects.filter(
        status__in=[Q.QUALIFIED, Q.SUSPENDED], rereview_due=False, last_reviewed_at__lte=cutoff
    ).update(rereview_due=True)


def document_read(*, document: QualificationDocument, user: User) -> tuple[bytes, str]:
    """A qualification document's verified bytes for its operator or the regulator; each
    read is recorded (who opened which document)."""
    if not QualificationDocument.objects.restrict(user).filter(pk=document.pk).exists():
        raise PermissionDeniedError()
    content, content_type = files.read_verified(document.file_path, document.sha256)
    record_change(
        user,
        "operators.qualificationdocument.read",
        document.profile,
        data={"document": document.pk, "sha256": document.sha256},
    )
    return content, content_type
