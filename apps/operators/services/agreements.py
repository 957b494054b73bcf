"""Authorization agreements: drafting, review, public notice, versions and their ends.

One function per transition; each locks the row, checks AGREEMENT_TRANSITIONS and
writes an AgreementEvent in the same transaction (see cascade_ops.agreement_move).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.choices import OrganizationKind
from apps.accounts.models import Organization, User
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.core.transitions import record_change
from apps.operators import cascade, files
from apps.operators.choices import EDITABLE, IN_FORCE, IN_PROGRESS, SuspensionKind
from apps.operators.choices import AgreementStatus as A
from apps.operators.models import (
    AgreementObjection,
    AgreementScope,
    AuthorizationAgreement,
    Suspension,
)
from apps.operators.services import agreement_rules as rules
from apps.operators.services.cascade_ops import (
    agreement_move,
    end_agreement,
    lift,
    take_down_agreement,
)
from apps.operators.services.common import require_reason, require_regulator

TERMS = (
    "title",
    "mode",
    "domain",
    "term_start",
    "term_end",
    "max_revenue",
    "price_cap",
    "security_obligations",
    "allowed_scenarios",
    "prohibited_uses",
)


def _lock(agreement: AuthorizationAgreement) -> AuthorizationAgreement:
    return AuthorizationAgreement.objects.select_for_update().get(pk=agreement.pk)


def _require_party(agreement: AuthorizationAgreement, user: User) -> None:
    if not (user.is_regulator or user.organization_id == agreement.operator_id):
        raise PermissionDeniedError(_("Only the operator or the regulator may do this."))


def _apply(agreement: AuthorizationAgreement, data: dict) -> None:
    for key in TERMS:
        if key in data:
            setattr(agreement, key, data[key])
    agreement.allowed_scenarios = sorted(set(agreement.allowed_scenarios or []))
    agreement.prohibited_uses = sorted(set(agreement.prohibited_uses or []))
    rules.check_term(agreement.term_start, agreement.term_end)
    rules.check_mode(agreement.mode, agreement.domain, agreement.allowed_scenarios)


def _set_scope(agreement: AuthorizationAgreement, rows) -> None:
    agreement.scope.all().delete()
    AgreementScope.objects.bulk_create(
        AgreementScope(agreement=agreement, resource=r, fields=f) for r, f in rows
    )


@transaction.atomic
def agreement_create(*, user: User, data: dict) -> AuthorizationAgreement:
    """A draft, written by the operator for itself or by the regulator for an operator."""
    if user.is_regulator:
        operator = Organization.objects.filter(
            pk=data.get("operator"), kind=OrganizationKind.OPERATOR
        ).first()
        if operator is None:
            raise InvalidInput(details={"operator": [_("Choose an operating entity.")]})
        authority = user.organization
    else:
        operator = user.organization
        if operator is None or operator.kind != OrganizationKind.OPERATOR:
            raise PermissionDeniedError(_("Only operating entities hold agreements."))
        authority = Organization.objects.filter(
            pk=data.get("authority"), kind=OrganizationKind.REGULATOR
        ).first()
        if authority is None:
            raise InvalidInput(details={"authority": [_("Choose the authorizing body.")]})
    scope = rules.clean_scope(data.get("scope") or [])
    agreement = AuthorizationAgreement(
        number=f"pending-{uuid.uuid4().hex}",
        authority=authority,
        operator=operator,
        created_by=user,
    )
    _apply(agreement, data)
    agreement.save()
    number = (data.get("number") or "").strip()
    agreement.number = (
        number or f"{settings.OPERATORS_NUMBER_PREFIX}-{timezone.now():%Y}-{agreement.pk:05d}"
    )
    if (
        AuthorizationAgreement.objects.filter(number=agreement.number)
        .exclude(pk=agreement.pk)
        .exists()
    ):
        raise InvalidInput(details={"number": [_("This agreement number is taken.")]})
    agreement.save(update_fields=["number"])
    _set_scope(agreement, scope)
    record_change(
        user,
        "operators.authorizationagreement.create",
        agreement,
        data={"number": agreement.number},
    )
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: AuthorizationAgreement, user: User, data: dict
) -> AuthorizationAgreement:
    _require_party(agreement, user)
    agreement = _lock(agreement)
    if agreement.status not in EDITABLE:
        raise TransitionNotAllowed(_("Only a draft or returned agreement can be edited."))
    _apply(agreement, data)
    agreement.save()
    if "scope" in data:
        _set_scope(agreement, rules.clean_scope(data["scope"]))
    changed = sorted(data)
    record_change(
        user, "operators.authorizationagreement.update", agreement, data={"fields": changed}
    )
    return agreement


def agreement_attach_document(
    *, agreement: AuthorizationAgreement, user: User, upload
) -> AuthorizationAgreement:
    """The signed agreement (PDF or scan); its SHA-256 is kept with the version."""
    _require_party(agreement, user)
    if upload is None:
        raise InvalidInput(_("Attach a file."), details={"file": [_("This field is required.")]})
    with files.store_then_commit(upload, folder=f"agreements/{agreement.pk}") as stored:
        return _attach(_lock(agreement), stored, user)


def _attach(agreement: AuthorizationAgreement, stored, user: User) -> AuthorizationAgreement:
    if agreement.status not in {*EDITABLE, A.UNDER_REVIEW}:
        raise TransitionNotAllowed(_("The document is fixed once public notice starts."))
    files.remove_replaced(agreement.document_path, replacement=stored.path)
    agreement.document_name = stored.name
    agreement.document_path = stored.path
    agreement.document_sha256 = stored.sha256
    agreement.save(
        update_fields=["document_name", "document_path", "document_sha256", "updated_at"]
    )
    record_change(
        user,
        "operators.authorizationagreement.document",
        agreement,
        data={"name": stored.name, "sha256": stored.sha256},
    )
    return agreement


def _check_for_force(agreement: AuthorizationAgreement) -> None:
    rules.check_operator_qualified(agreement)
    rules.check_scope_still_valid(agreement)
    rules.check_no_overlap(agreement)


@transaction.atomic
def agreement_submit(
    *, agreement: AuthorizationAgreement, user: User, note: str = ""
) -> AuthorizationAgreement:
    _require_party(agreement, user)
    agreement = _lock(agreement)
    rules.check_term_not_over(agreement)
    _check_for_force(agreement)
    agreement_move(agreement, A.UNDER_REVIEW, actor=user, note=note)
    agreement.save(update_fields=["status", "updated_at"])
    return agreement


@transaction.atomic
def agreement_return(
    *, agreement: AuthorizationAgreement, reviewer: User, reason: str
) -> AuthorizationAgreement:
    require_regulator(reviewer)
    reason = require_reason(reason)
    agreement = _lock(agreement)
    agreement_move(agreement, A.RETURNED, actor=reviewer, note=reason)
    agreement.save(update_fields=["status", "updated_at"])
    return agreement


@transaction.atomic
def agreement_approve(
    *, agreement: AuthorizationAgreement, reviewer: User, note: str = ""
) -> AuthorizationAgreement:
    """Review passed: the agreement goes to public notice for OPERATORS_NOTICE_DAYS."""
    require_regulator(reviewer)
    agreement = _lock(agreement)
    _check_for_force(agreement)
    agreement_move(agreement, A.PUBLIC_NOTICE, actor=reviewer, note=note)
    agreement.notice_ends_at = timezone.now() + timedelta(days=settings.OPERATORS_NOTICE_DAYS)
    agreement.save(update_fields=["status", "notice_ends_at", "updated_at"])
    return agreement


@transaction.atomic
def agreement_object(
    *, agreement: AuthorizationAgreement, user: User, reason: str
) -> AgreementObjection:
    """Any organization may object during public notice: the agreement goes back to review."""
    if user.organization_id is None:
        raise PermissionDeniedError(_("Only members of an organization may lodge objections."))
    reason = require_reason(reason)
    agreement = _lock(agreement)
    if agreement.status != A.PUBLIC_NOTICE:
        raise TransitionNotAllowed(_("Objections are accepted only during public notice."))
    objection = AgreementObjection.objects.create(
        agreement=agreement, organization=user.organization, raised_by=user, reason=reason
    )
    agreement_move(agreement, A.UNDER_REVIEW, actor=user, note=reason)
    agreement.notice_ends_at = None
    agreement.save(update_fields=["status", "notice_ends_at", "updated_at"])
    return objection


@transaction.atomic
def agreement_close_notice(*, agreement_id: int, now=None) -> AuthorizationAgreement | None:
    """Timer: notice over without objection → effective; the version it amends (if any)
    is superseded in the same transaction. If a guard no longer holds, back to review."""
    now = now or timezone.now()
    agreement = (
        AuthorizationAgreement.objects.select_for_update()
        .filter(pk=agreement_id, status=A.PUBLIC_NOTICE, notice_ends_at__lte=now)
        .first()
    )
    if agreement is None:
        return None
    old = None
    if agreement.amends_id:
        old = AuthorizationAgreement.objects.select_for_update().get(pk=agreement.amends_id)
    try:
        _check_for_force(agreement)
        if old is not None and old.status == A.SUSPENDED:
            raise TransitionNotAllowed(_("The version in force is suspended."))
    except (TransitionNotAllowed, InvalidInput) as problem:
        agreement_move(agreement, A.UNDER_REVIEW, actor=None, note=str(problem.message))
        agreement.notice_ends_at = None
        agreement.save(update_fields=["status", "notice_ends_at", "updated_at"])
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


@transaction.atomic
def agreement_amend(
    *, agreement: AuthorizationAgreement, user: User, data: dict | None = None
) -> AuthorizationAgreement:
    """Version n+1 as a draft copy of the version in force (changed by `data`). The
    version in force stays effective until the new one becomes effective."""
    _require_party(agreement, user)
    agreement = _lock(agreement)
    if agreement.status != A.EFFECTIVE:
        raise TransitionNotAllowed(_("Only an effective agreement can be amended."))
    if AuthorizationAgreement.objects.filter(
        number=agreement.number, status__in=IN_PROGRESS
    ).exists():
        raise TransitionNotAllowed(
            _("Another version of this agreement is already in progress."),
            code="overlapping_version",
        )
    data = data or {}
    new = AuthorizationAgreement(
        number=agreement.number,
        version=agreement.version + 1,
        amends=agreement,
        authority=agreement.authority,
        operator=agreement.operator,
        created_by=user,
        **{k: getattr(agreement, k) for k in TERMS},
    )
    _apply(new, data)
    new.save()
    rows = data.get("scope")
    if rows is None:
        rows = [{"resource": s.resource_id, "fields": s.fields} for s in agreement.scope.all()]
    _set_scope(new, rules.clean_scope(rows))
    record_change(
        user,
        "operators.authorizationagreement.amend",
        new,
        data={"number": new.number, "version": new.version, "amends": agreement.pk},
    )
    return new


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


def agreement_document_read(*, agreement: AuthorizationAgreement, user: User) -> tuple[bytes, str]:
    """The signed agreement's verified bytes, for a party or the regulator; recorded."""
    _require_party(agreement, user)
    if not agreement.document_path:
        raise InvalidInput(_("No signed document is attached."), code="no_document")
    content, content_type = files.read_verified(agreement.document_path, agreement.document_sha256)
    record_change(
        user,
        "operators.authorizationagreement.document_read",
        agreement,
        data={"sha256": agreement.document_sha256},
    )
    return content, content_type
