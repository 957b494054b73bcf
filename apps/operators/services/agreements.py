"""Authorization agreements: drafting, versions (amendments) and the signed document.

Review and public notice are in agreement_review, suspension and the ends in
agreement_ends. One function per transition; each locks the row and moves the status
through cascade_ops.agreement_move (apps.workflow.transitions).
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.choices import OrganizationKind
from apps.accounts.models import Organization, User
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.operators import files
from apps.operators.choices import EDITABLE, IN_PROGRESS
from apps.operators.choices import AgreementStatus as A
from apps.operators.models import (
    AgreementScope,
    AuthorizationAgreement,
)
from apps.operators.services import agreement_rules as rules
from apps.workflow.transitions import record_change

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
    rules.check_names("allowed_scenarios", agreement.allowed_scenarios or [])
    rules.check_names("prohibited_uses", agreement.prohibited_uses or [])
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
    rules.check_version_term(agreement)
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
    rules.check_version_term(new)
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
