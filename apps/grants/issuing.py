"""Grants: issued by the final approval with a frozen scope; suspended, resumed and
revoked by the operator or the regulator (a reason is required); expired by time; a
renewal or amendment issues a new version that takes the old one's keys over.

Every move goes through `grant_move` (history row, audit event, webhook event in the
caller's transaction). Whether a key may read a grant is decided per request by
apps.grants.access, so each of these takes effect on the very next request.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.choices import OrganizationKind
from apps.accounts.models import User
from apps.core.exceptions import PermissionDeniedError, TransitionNotAllowed
from apps.grants import facts
from apps.grants.choices import GRANT_TRANSITIONS, SuspendedBy
from apps.grants.choices import GrantStatus as G
from apps.grants.guards import issue_require
from apps.grants.links import page_for
from apps.grants.models import AccessApplication, Grant, GrantKey
from apps.operators.services.common import require_reason
from apps.workflow import events, policy
from apps.workflow.history import history_record
from apps.workflow.notifications import Phrase, notify_decision
from apps.workflow.policy import DECIDE
from apps.workflow.transitions import record_change, transition

GRANT_EVENT = "grant.status_changed"  # webhook event type


def grant_move(grant: Grant, to: str, *, actor, note: str = "") -> None:
    source = grant.status
    transition(grant, to, table=GRANT_TRANSITIONS, actor=actor, note=note)
    payload = {
        "grant": {
            "id": grant.pk,
            "number": grant.number,
            "version": grant.version,
            "product": grant.product_id,
        },
        "from_status": source,
        "to_status": to,
        "note": note or "",
        "at": timezone.now(),
    }
    events.event_publish_to(
        organizations=(grant.merchant_id, grant.product.operator_id),
        event_type=GRANT_EVENT,
        payload=payload,
        target=grant,
    )


def _end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def frozen_scope(application: AccessApplication) -> dict:
    """The requested fields of each source with the product's masking and row filter,
    and the dataset version each source reads (None: the current one)."""
    product = application.product
    chosen = facts.product_fields(product)
    by_source: dict[int, dict] = {}
    for ident in application.fields:
        field = chosen.get(ident)
        if field is None:
            continue
        source = field.source
        entry = by_source.setdefault(
            source.pk,
            {
                "resource": source.resource_id,
                "dataset_version": source.pinned_version_id,
                "fields": [],
                "row_filter": source.row_filter,
            },
        )
        entry["fields"].append(
            {
                "name": field.name,
                "ident": ident,
                "masking": field.masking,
                "personal_info": field.personal_info,
            }
        )
    terms = product.current_terms
    return {
        "sources": list(by_source.values()),
        "delivery_modes": product.delivery_modes,
        "use_type": product.use_type,
        "pricing_model": product.pricing_model,
        "price": str(product.price),
        "terms_version": application.terms_version or (terms.version if terms else None),
        "scenario": application.scenario,
    }


def _smaller(*values):
    present = [v for v in values if v is not None]
    return min(present) if present else None


def grant_issue(application: AccessApplication, *, actor) -> Grant:
    """The grant of an approved application (in the approval's transaction). Its term
    ends with the request, and never after the agreement. A registered guard (the
    revenue cap) may refuse it (apps.grants.guards)."""
    issue_require(application)
    product = application.product
    now = timezone.now()
    ends = min(_end_of(application.requested_end), _end_of(product.agreement.term_end))
    previous = application.previous_grant
    if previous is not None:
        previous = Grant.objects.select_for_update().get(pk=previous.pk)
    grant = Grant.objects.create(
        number=previous.number if previous else f"GR{now:%Y}{application.pk:07d}",
        version=previous.version + 1 if previous else 1,
        previous=previous,
        application=application,
        merchant_id=application.merchant_id,
        product=product,
        scope=frozen_scope(application),
        calls_per_day=_smaller(application.expected_calls_per_day, product.max_calls_per_day),
        rows_per_day=_smaller(application.expected_rows_per_day, product.max_rows_per_day),
        rate_per_minute=settings.GRANTS_RATE_PER_MINUTE,
        starts_at=now,
        ends_at=max(ends, now + timedelta(minutes=1)),
    )
    record_change(
        actor,
        "grants.grant.issue",
        grant,
        target_org=grant.merchant_id,
        after={
            "number": grant.number,
            "version": grant.version,
            "fields": grant.field_names,
            "ends_at": grant.ends_at.isoformat(),
        },
    )
    # Created active, not moved there: its first history row says so, and on what.
    history_record(
        grant,
        from_status="",
        to_status=G.ACTIVE,
        actor=actor,
        note=_("Issued on the approval of application #%(id)d.") % {"id": application.pk},
    )
    events.event_publish(
        organization=grant.merchant_id,
        event_type=GRANT_EVENT,
        payload={
            "grant": {
                "id": grant.pk,
                "number": grant.number,
                "version": grant.version,
                "product": product.pk,
            },
            "from_status": None,
            "to_status": G.ACTIVE,
            "note": "",
            "at": now,
        },
        target=grant,
    )
    if previous is not None:
        _supersede(previous, grant, actor)
    return grant


def _supersede(old: Grant, new: Grant, actor) -> None:
    """The new version takes the old one's keys and suspension over, then replaces it."""
    GrantKey.objects.filter(grant=old).update(grant=new)
    if old.status == G.SUSPENDED:
        grant_move(new, G.SUSPENDED, actor=actor, note=_("Suspended like the version it replaces."))
        new.suspended_by = old.suspended_by
        new.save(update_fields=["status", "suspended_by", "updated_at"])
    if old.status in (G.ACTIVE, G.SUSPENDED):
        grant_move(
            old,
            G.SUPERSEDED,
            actor=actor,
            note=_("Replaced by version %(v)d.") % {"v": new.version},
        )
        old.save(update_fields=["status", "updated_at"])


# Decisions of the operator and the regulator --------------------------------------------


def _lock(grant: Grant) -> Grant:
    return Grant.objects.select_for_update(of=("self",)).select_related("product").get(pk=grant.pk)


def _require_decider(user: User, grant: Grant) -> None:
    if not policy.allows(user, DECIDE, grant):
        raise PermissionDeniedError(
            _("Only the product's operator or the regulator may do this."), code="not_allowed"
        )


def _tell_merchant(grant: Grant, verb: str, title: Phrase, note: str) -> None:
    notify_decision(
        grant,
        organization_id=grant.merchant_id,
        verb=verb,
        title=title,
        body=note,
        link=page_for(OrganizationKind.MERCHANT, "grant", grant.pk),
    )


@transaction.atomic
def grant_suspend(*, grant: Grant, user: User | None, reason: str, by: str = SuspendedBy.PERSON):
    if user is not None:
        _require_decider(user, grant)
    reason = require_reason(reason)
    grant = _lock(grant)
    grant_move(grant, G.SUSPENDED, actor=user, note=reason)
    grant.suspended_by = by
    grant.save(update_fields=["status", "suspended_by", "updated_at"])
    _tell_merchant(
        grant,
        "grants.grant.suspended",
        Phrase(gettext_lazy("Grant %(n)s was suspended"), n=grant.number),
        reason,
    )
    return grant


@transaction.atomic
def grant_resume(*, grant: Grant, user: User | None, note: str = "", cascade: bool = False):
    """Lifts a suspension. A person lifts a person's (or an alert's) suspension; the
    cascade lifts only its own."""
    if user is not None:
        _require_decider(user, grant)
    grant = _lock(grant)
    if grant.status == G.SUSPENDED and (grant.suspended_by == SuspendedBy.CASCADE) != cascade:
        raise TransitionNotAllowed(
            _("This suspension follows the product's or the agreement's and ends with it."),
            code="suspended_by_cascade",
        )
    if grant.ends_at <= timezone.now():
        raise TransitionNotAllowed(_("The grant's term is over."), code="grant_expired")
    grant_move(grant, G.ACTIVE, actor=user, note=note)
    grant.suspended_by = SuspendedBy.NONE
    grant.save(update_fields=["status", "suspended_by", "updated_at"])
    title = Phrase(gettext_lazy("Grant %(n)s is active again"), n=grant.number)
    _tell_merchant(grant, "grants.grant.resumed", title, note)
    return grant


@transaction.atomic
def grant_revoke(*, grant: Grant, user: User | None, reason: str):
    if user is not None:
        _require_decider(user, grant)
    reason = require_reason(reason)
    grant = _lock(grant)
    grant_move(grant, G.REVOKED, actor=user, note=reason)
    grant.save(update_fields=["status", "updated_at"])
    title = Phrase(gettext_lazy("Grant %(n)s was revoked"), n=grant.number)
    _tell_merchant(grant, "grants.grant.revoked", title, reason)
    return grant


def grant_expire(grant: Grant) -> bool:
    """Beat: a live grant whose term is over. False when someone else got there first."""
    with transaction.atomic():
        grant = _lock(grant)
        if grant.status not in (G.ACTIVE, G.SUSPENDED) or grant.ends_at > timezone.now():
            return False
        grant_move(grant, G.EXPIRED, actor=None, note=_("The term is over."))
        grant.save(update_fields=["status", "updated_at"])
    return True
