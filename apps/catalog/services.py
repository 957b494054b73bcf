"""Registration life cycle of data resources. One function per transition.

Each transition locks the row, checks the table of the registration kind
(REGISTRATION_TRANSITIONS[kind]) through apps.workflow.transitions, which writes the
history row and the audit event; the regulator's decision is a review step
(apps.workflow.review) and the announcement a public notice (apps.workflow.notice).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.models import User
from apps.catalog import metadata
from apps.catalog.choices import (
    FOLLOW_UP_KINDS,
    FOLLOW_UP_PENDING,
    NOTICE_KINDS,
    REGISTRATION_TRANSITIONS,
    RegistrationKind,
)
from apps.catalog.choices import RegistrationStatus as S
from apps.catalog.models import DataResource, MetadataVersion
from apps.catalog.validation import clean_metadata
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.workflow import notice, policy, review
from apps.workflow.dates import add_years
from apps.workflow.models import Decision, Objection
from apps.workflow.notifications import Phrase, notify_decision
from apps.workflow.transitions import record_change, transition

EDITABLE = {S.DRAFT, S.RETURNED}
STAGE = "registration"  # the review step every registration kind goes through


def _lock(resource: DataResource) -> DataResource:
    return DataResource.objects.select_for_update().get(pk=resource.pk)


def _move(resource: DataResource, to: str, *, actor: User | None, note: str = "", kind=None):
    """Checks the kind's transition table, writes the history row and the audit event."""
    kind = kind or resource.registration_kind
    transition(
        resource,
        to,
        table=REGISTRATION_TRANSITIONS[kind],
        actor=actor,
        note=note,
        kind=kind,
    )
    resource.registration_kind = kind


def _open_review(resource: DataResource) -> None:
    review.step_open(
        resource,
        stage=STAGE,
        assignee_role=Role.REVIEWER,
        due_at=timezone.now() + timedelta(days=settings.CATALOG_REVIEW_DAYS),
    )


def _validity_end(start):
    return add_years(start, settings.CATALOG_REGISTRATION_YEARS)


def _require_provider(resource: DataResource, user: User) -> None:
    if not DataResource.objects.restrict(user, "manage").filter(pk=resource.pk).exists():
        raise PermissionDeniedError(_("Only the providing agency may do this."))


def _require_regulator(user: User) -> None:
    policy.require_regulator(user, DataResource, _("Only the regulator may review registrations."))


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
    """Draft or returned → submitted; a review step opens for the regulator."""
    _require_provider(resource, user)
    resource = _lock(resource)
    _move(resource, S.SUBMITTED, actor=user, note=note)
    resource.save(update_fields=["status", "registration_kind", "updated_at"])
    _open_review(resource)
    return resource


@transaction.atomic
def resource_open_follow_up(
    *, resource: DataResource, user: User, kind: str, data: dict | None = None, note: str = ""
) -> DataResource:
    """Opens a change, correction, renewal or deregistration of a registered resource and
    submits it. A change or correction carries the proposed metadata as a pending version.

    A renewal filed while the registration is still valid keeps the entry in the
    registry until CATALOG_RENEWAL_GRACE_DAYS after the expiry; a renewal of an expired
    registration keeps it out of the registry until it is approved.
    """
    _require_provider(resource, user)
    if kind not in FOLLOW_UP_KINDS:
        raise InvalidInput(_("Unknown registration kind."), details={"kind": [kind]})
    resource = _lock(resource)
    if not resource.registry_code:
        raise TransitionNotAllowed(_("Only a registered resource can be changed or renewed."))
    now = timezone.now()
    lapsed = resource.status == S.EXPIRED or (resource.expires_at and resource.expires_at <= now)
    if lapsed and kind != RegistrationKind.RENEWAL:
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
    resource.grace_until = None
    if kind == RegistrationKind.RENEWAL and not lapsed:
        grace = timedelta(days=settings.CATALOG_RENEWAL_GRACE_DAYS)
        resource.grace_until = resource.expires_at + grace
    resource.save(update_fields=["status", "registration_kind", "grace_until", "updated_at"])
    _open_review(resource)
    return resource


@transaction.atomic
def resource_withdraw(*, resource: DataResource, user: User, note: str = "") -> DataResource:
    """The provider takes back a submission: an initial one returns to draft, a follow-up
    leaves the registry entry as it was (expired, if its validity ended meanwhile)."""
    _require_provider(resource, user)
    resource = _lock(resource)
    not_yet = _("Only a submission not yet under review can be withdrawn.")
    if resource.registration_kind == RegistrationKind.INITIAL:
        if resource.status != S.SUBMITTED:
            raise TransitionNotAllowed(not_yet)
        _move(resource, S.DRAFT, actor=user, note=note)
    else:
        if resource.status not in (S.SUBMITTED, S.RETURNED):
            raise TransitionNotAllowed(not_yet)
        MetadataVersion.objects.filter(resource=resource, pending=True).delete()
        valid = resource.expires_at is None or resource.expires_at > timezone.now()
        _move(resource, S.REGISTERED if valid else S.EXPIRED, actor=user, note=note)
        resource.grace_until = None
    review.step_cancel(resource, stage=STAGE, comment=_("Withdrawn."))
    resource.save(update_fields=["status", "grace_until", "updated_at"])
    return resource


@transaction.atomic
def resource_start_review(*, resource: DataResource, reviewer: User) -> DataResource:
    """The regulator takes the submission's review step."""
    _require_regulator(reviewer)
    resource = _lock(resource)
    _move(resource, S.UNDER_REVIEW, actor=reviewer)
    review.step_claim(resource, stage=STAGE, user=reviewer)
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
    review.step_decide(
        resource, stage=STAGE, decision=Decision.CHANGES_REQUESTED, user=reviewer, comment=note
    )
    _move(resource, S.RETURNED, actor=reviewer, note=note)
    resource.save(update_fields=["status", "updated_at"])
    _tell_provider(resource, "returned", note)
    return resource


@transaction.atomic
def resource_approve(*, resource: DataResource, reviewer: User, note: str = "") -> DataResource:
    """Review passed: initial/change/correction go to public notice, a renewal extends the
    validity, a deregistration ends the registry entry."""
    _require_regulator(reviewer)
    resource = _lock(resource)
    # The step first: of two reviewers deciding at once, the second hears "already decided".
    review.step_decide(
        resource, stage=STAGE, decision=Decision.APPROVED, user=reviewer, comment=note
    )
    if resource.status != S.UNDER_REVIEW:
        raise TransitionNotAllowed(_("Only a resource under review can be approved."))
    notice.objections_resolve(resource, resolution=note or _("Considered in review."))
    kind = resource.registration_kind
    now = timezone.now()
    if kind in NOTICE_KINDS:
        _move(resource, S.PUBLIC_NOTICE, actor=reviewer, note=note)
        resource.notice_ends_at = notice.notice_open(
            resource, days=settings.CATALOG_NOTICE_DAYS, now=now
        ).ends_at
    elif kind == RegistrationKind.RENEWAL:
        _move(resource, S.REGISTERED, actor=reviewer, note=note)
        # Continuous validity when the renewal was filed in time; from today otherwise.
        in_time = resource.expires_at and (
            resource.expires_at > now or (resource.grace_until and resource.grace_until > now)
        )
        resource.expires_at = _validity_end(resource.expires_at if in_time else now)
        resource.grace_until = None
    else:
        _move(resource, S.DEREGISTERED, actor=reviewer, note=note)
    resource.save()
    _tell_provider(resource, "approved", note)
    return resource


def _tell_provider(resource: DataResource, decision: str, note: str) -> None:
    """The provider's admins hear the decision in the app (and by e-mail)."""
    params = {"name": resource, "status": S(resource.status).label}
    title = (
        Phrase(gettext_lazy("%(name)s was returned for changes"), **params)
        if decision == "returned"
        else Phrase(gettext_lazy("Review of %(name)s passed: %(status)s"), **params)
    )
    notify_decision(
        resource,
        organization_id=resource.provider_id,
        verb=f"catalog.resource.{decision}",
        title=title,
        body=note,
        link=reverse("portal:resource_detail", args=[resource.pk]),
    )


@transaction.atomic
def resource_object(*, resource: DataResource, user: User, reason: str) -> Objection:
    """Any signed-in organization may object during public notice: back to review."""
    resource = _lock(resource)
    if resource.status != S.PUBLIC_NOTICE:
        raise TransitionNotAllowed(_("Objections are accepted only during public notice."))
    objection = notice.notice_object(resource, user=user, reason=reason)
    _move(resource, S.UNDER_REVIEW, actor=user, note=reason)
    resource.notice_ends_at = None
    resource.save(update_fields=["status", "notice_ends_at", "updated_at"])
    _open_review(resource)
    return objection


@transaction.atomic
def resource_close_notice(*, resource_id: int, now=None) -> DataResource | None:
    """Timer: a notice that ended without objection registers the resource (or applies the
    change). Safe to run twice: it does nothing unless the notice is still open and over."""
    now = now or timezone.now()
    resource = (
        DataResource.objects.select_for_update()
        .filter(pk=resource_id, status=S.PUBLIC_NOTICE)
        .first()
    )
    if resource is None or notice.notice_close_if_due(resource, now=now) is None:
        return None
    kind = resource.registration_kind
    if kind == RegistrationKind.INITIAL:
        resource.registry_code = f"{settings.CATALOG_REGISTRY_PREFIX}-{now:%Y}-{resource.pk:06d}"
        resource.registered_at = now
        resource.expires_at = _validity_end(now)
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


def expiry_due(now=None):
    """Registrations past their validity whose status still says otherwise. A renewal
    waiting for its decision is left alone: it survives the expiry it answers."""
    now = now or timezone.now()
    renewal_pending = dict(registration_kind=RegistrationKind.RENEWAL, status__in=FOLLOW_UP_PENDING)
    return (
        DataResource.objects.filter(registry_code__isnull=False, expires_at__lte=now)
        .exclude(status__in=[S.EXPIRED, S.DEREGISTERED])
        .exclude(**renewal_pending)
    )


@transaction.atomic
def resource_expire(*, resource_id: int, now=None) -> DataResource | None:
    """Timer: a registration past its validity expires (a pending change, correction or
    deregistration lapses with it; a pending renewal does not, see expiry_due)."""
    now = now or timezone.now()
    resource = expiry_due(now).select_for_update().filter(pk=resource_id).first()
    if resource is None:
        return None
    MetadataVersion.objects.filter(resource=resource, pending=True).delete()
    review.step_cancel(resource, stage=STAGE, comment=_("Registration validity ended."))
    notice.notice_cancel(resource, now=now)
    _move(resource, S.EXPIRED, actor=None, note=_("Registration validity ended."))
    resource.notice_ends_at = None
    resource.save(update_fields=["status", "notice_ends_at", "updated_at"])
    return resource
