"""Registration life cycle of data resources. One function per transition.

Each transition locks the row, checks REGISTRATION_TRANSITIONS, writes a
RegistrationEvent (and the audit event), and defers side effects to commit.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.choices import OrganizationKind
from apps.accounts.models import User
from apps.catalog import metadata
from apps.catalog.choices import (
    FOLLOW_UP_KINDS,
    NOTICE_KINDS,
    REGISTRATION_TRANSITIONS,
    RegistrationKind,
)
from apps.catalog.choices import RegistrationStatus as S
from apps.catalog.models import DataResource, MetadataVersion, Objection, RegistrationEvent
from apps.catalog.validation import clean_metadata
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.core.transitions import record_change, transition
from apps.workflow import policy

EDITABLE = {S.DRAFT, S.RETURNED}


def _lock(resource: DataResource) -> DataResource:
    return DataResource.objects.select_for_update().get(pk=resource.pk)


def _move(resource: DataResource, to: str, *, actor: User | None, note: str = "", kind=None):
    """Checks the transition table, writes the history row and the audit event."""
    kind = kind or resource.registration_kind

    def history(**fields):
        RegistrationEvent.objects.create(resource=resource, kind=kind, **fields)

    transition(
        resource,
        to,
        table=REGISTRATION_TRANSITIONS,
        labels=S,
        history=history,
        actor=actor,
        note=note,
        data={"kind": kind},
    )
    resource.registration_kind = kind


def _require_provider(resource: DataResource, user: User) -> None:
    if not DataResource.objects.restrict(user, "manage").filter(pk=resource.pk).exists():
        raise PermissionDeniedError(_("Only the providing agency may do this."))


def _require_regulator(user: User) -> None:
    if not user.is_regulator:
        raise PermissionDeniedError(_("Only the regulator may review registrations."))
    policy.require(user, policy.DECIDE, DataResource, _("Only a reviewer or an admin may decide."))


def _record_version(resource: DataResource, user: User | None, *, pending: bool = False):
    version = (
        resource.metadata_versions.order_by("-version").values_list("version", flat=True).first()
        or 0
    ) + 1
    return MetadataVersion.objects.create(
        resource=resource,
        version=version,
        snapshot=metadata.snapshot(resource) if not pending else {},
        changed_by=user,
        pending=pending,
    )


@transaction.atomic
def resource_create(*, user: User, data: dict) -> DataResource:
    """A provider agency describes a new resource (draft)."""
    org = user.organization
    if org is None or org.kind != OrganizationKind.PROVIDER:
        raise PermissionDeniedError(_("Only data provider agencies register resources."))
    clean = clean_metadata(data)
    resource = DataResource(provider=org, created_by=user)
    metadata.apply(resource, clean)
    _record_version(resource, user)
    record_change(user, "catalog.dataresource.create", resource, after=metadata.snapshot(resource))
    return resource


@transaction.atomic
def resource_update(*, resource: DataResource, user: User, data: dict) -> DataResource:
    """Edits metadata. In draft or returned the record changes at once; once in the
    registry, the edit becomes a pending change that applies only when registered."""
    _require_provider(resource, user)
    resource = _lock(resource)
    pending = resource.metadata_versions.filter(pending=True).first()
    base = pending.snapshot if pending else metadata.snapshot(resource)
    clean = clean_metadata({**base, **data})
    if resource.status in EDITABLE and resource.registration_kind == RegistrationKind.INITIAL:
        record_change(user, "catalog.dataresource.update", resource, before=base, after=clean)
        metadata.apply(resource, clean)
        resource.metadata_version += 1
        resource.save(update_fields=["metadata_version", "updated_at"])
        _record_version(resource, user)
        return resource
    pending_kinds = {RegistrationKind.CHANGE, RegistrationKind.CORRECTION}
    if resource.status in EDITABLE and resource.registration_kind in pending_kinds and pending:
        record_change(user, "catalog.dataresource.propose", resource, before=base, after=clean)
        pending.snapshot = clean
        pending.save(update_fields=["snapshot"])
        return resource
    raise TransitionNotAllowed(
        _("Registered metadata changes through a change or correction registration."),
        code="not_editable",
    )


@transaction.atomic
def resource_submit(*, resource: DataResource, user: User, note: str = "") -> DataResource:
    """Draft or returned → submitted for the regulator's review."""
    _require_provider(resource, user)
    resource = _lock(resource)
    _move(resource, S.SUBMITTED, actor=user, note=note)
    resource.save(update_fields=["status", "registration_kind", "updated_at"])
    return resource


@transaction.atomic
def resource_open_follow_up(
    *, resource: DataResource, user: User, kind: str, data: dict | None = None, note: str = ""
) -> DataResource:
    """Opens a change, correction, renewal or deregistration of a registered resource and
    submits it. A change or correction carries the proposed metadata as a pending version."""
    _require_provider(resource, user)
    if kind not in FOLLOW_UP_KINDS:
        raise InvalidInput(_("Unknown registration kind."), details={"kind": [kind]})
    resource = _lock(resource)
    if not resource.registry_code:
        raise TransitionNotAllowed(_("Only a registered resource can be changed or renewed."))
    if resource.status == S.EXPIRED and kind != RegistrationKind.RENEWAL:
        raise TransitionNotAllowed(_("An expired registration can only be renewed."))
    if kind in (RegistrationKind.CHANGE, RegistrationKind.CORRECTION):
        if not data:
            raise InvalidInput(
                _("A change needs the new metadata."),
                details={"data": [_("This field is required.")]},
            )
        proposal = clean_metadata({**metadata.snapshot(resource), **data})
        MetadataVersion.objects.filter(resource=resource, pending=True).delete()
        version = _record_version(resource, user, pending=True)
        live = metadata.snapshot(resource)
        record_change(user, "catalog.dataresource.propose", resource, before=live, after=proposal)
        version.snapshot = proposal
        version.save(update_fields=["snapshot"])
    _move(resource, S.SUBMITTED, actor=user, note=note, kind=kind)
    resource.save(update_fields=["status", "registration_kind", "updated_at"])
    return resource


@transaction.atomic
def resource_withdraw(*, resource: DataResource, user: User, note: str = "") -> DataResource:
    """The provider takes back a submission: an initial one returns to draft, a follow-up
    leaves the registered record as it was."""
    _require_provider(resource, user)
    resource = _lock(resource)
    if resource.registration_kind == RegistrationKind.INITIAL:
        if resource.status != S.SUBMITTED:
            raise TransitionNotAllowed(
                _("Only a submission not yet under review can be withdrawn.")
            )
        _move(resource, S.DRAFT, actor=user, note=note)
    else:
        if resource.status not in (S.SUBMITTED, S.RETURNED):
            raise TransitionNotAllowed(
                _("Only a submission not yet under review can be withdrawn.")
            )
        MetadataVersion.objects.filter(resource=resource, pending=True).delete()
        _move(resource, S.REGISTERED, actor=user, note=note)
    resource.save(update_fields=["status", "updated_at"])
    return resource


@transaction.atomic
def resource_start_review(*, resource: DataResource, reviewer: User) -> DataResource:
    _require_regulator(reviewer)
    resource = _lock(resource)
    _move(resource, S.UNDER_REVIEW, actor=reviewer)
    resource.save(update_fields=["status", "updated_at"])
    return resource


@transaction.atomic
def resource_return(*, resource: DataResource, reviewer: User, note: str) -> DataResource:
    """The regulator sends a submission back to the provider with a reason."""
    _require_regulator(reviewer)
    if not note.strip():
        raise InvalidInput(
            _("Say what must change."), details={"note": [_("This field is required.")]}
        )
    resource = _lock(resource)
    _move(resource, S.RETURNED, actor=reviewer, note=note)
    resource.save(update_fields=["status", "updated_at"])
    return resource


@transaction.atomic
def resource_approve(*, resource: DataResource, reviewer: User, note: str = "") -> DataResource:
    """Review passed: initial/change/correction go to public notice, a renewal extends the
    validity, a deregistration ends the registry entry."""
    _require_regulator(reviewer)
    resource = _lock(resource)
    if resource.status != S.UNDER_REVIEW:
        raise TransitionNotAllowed(_("Only a resource under review can be approved."))
    if resource.objections.filter(resolved_at__isnull=True).exists():
        Objection.objects.filter(resource=resource, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolution=note or _("Considered in review.")
        )
    kind = resource.registration_kind
    now = timezone.now()
    if kind in NOTICE_KINDS:
        _move(resource, S.PUBLIC_NOTICE, actor=reviewer, note=note)
        resource.notice_ends_at = now + timedelta(days=settings.CATALOG_NOTICE_DAYS)
    elif kind == RegistrationKind.RENEWAL:
        _move(resource, S.REGISTERED, actor=reviewer, note=note)
        start = max(resource.expires_at or now, now)
        resource.expires_at = start + timedelta(days=365 * settings.CATALOG_REGISTRATION_YEARS)
    else:
        _move(resource, S.DEREGISTERED, actor=reviewer, note=note)
    resource.save()
    return resource


@transaction.atomic
def resource_object(*, resource: DataResource, user: User, reason: str) -> Objection:
    """Any signed-in organization may object during public notice: back to review."""
    if user.organization_id is None:
        raise PermissionDeniedError(_("Only members of an organization may lodge objections."))
    if not reason.strip():
        raise InvalidInput(
            _("Give the reason for the objection."),
            details={"reason": [_("This field is required.")]},
        )
    resource = _lock(resource)
    if resource.status != S.PUBLIC_NOTICE:
        raise TransitionNotAllowed(_("Objections are accepted only during public notice."))
    objection = Objection.objects.create(
        resource=resource, organization=user.organization, raised_by=user, reason=reason
    )
    _move(resource, S.UNDER_REVIEW, actor=user, note=reason)
    resource.notice_ends_at = None
    resource.save(update_fields=["status", "notice_ends_at", "updated_at"])
    return objection


@transaction.atomic
def resource_close_notice(*, resource_id: int, now=None) -> DataResource | None:
    """Timer: a notice that ended without objection registers the resource (or applies the
    change). Safe to run twice: it does nothing unless the notice is still open and over."""
    now = now or timezone.now()
    resource = (
        DataResource.objects.select_for_update()
        .filter(pk=resource_id, status=S.PUBLIC_NOTICE, notice_ends_at__lte=now)
        .first()
    )
    if resource is None:
        return None
    kind = resource.registration_kind
    if kind == RegistrationKind.INITIAL:
        resource.registry_code = f"{settings.CATALOG_REGISTRY_PREFIX}-{now:%Y}-{resource.pk:06d}"
        resource.registered_at = now
        resource.expires_at = now + timedelta(days=365 * settings.CATALOG_REGISTRATION_YEARS)
    else:
        pending = resource.metadata_versions.filter(pending=True).first()
        if pending is not None:
            metadata.apply(resource, pending.snapshot)
            pending.pending = False
            pending.save(update_fields=["pending"])
            resource.metadata_version += 1
    _move(resource, S.REGISTERED, actor=None, note=_("Public notice ended without objection."))
    resource.notice_ends_at = None
    resource.save()
    return resource


@transaction.atomic
def resource_expire(*, resource_id: int, now=None) -> DataResource | None:
    """Timer: a registration past its validity expires (a pending follow-up lapses too)."""
    now = now or timezone.now()
    resource = (
        DataResource.objects.select_for_update()
        .filter(pk=resource_id, registry_code__isnull=False, expires_at__lte=now)
        .exclude(status__in=[S.EXPIRED, S.DEREGISTERED])
        .first()
    )
    if resource is None:
        return None
    MetadataVersion.objects.filter(resource=resource, pending=True).delete()
    _move(resource, S.EXPIRED, actor=None, note=_("Registration validity ended."))
    resource.save(update_fields=["status", "updated_at"])
    return resource
