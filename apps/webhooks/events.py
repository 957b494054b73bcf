"""The event types webhooks deliver, and the operator events that exist today.

Event types live in `apps.workflow.events` (a registry the apps below webhooks can
reach); products and grants register theirs in their own AppConfig.ready() and publish
through `events.event_publish`, which hands them to `webhook_emit`.

Operators' life cycles already write one StatusHistory row per move, in the mover's
transaction, so agreement status changes and qualification decisions are published
from that row: no change to apps.operators, and no move is missed.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from apps.operators.choices import QualificationStatus
from apps.operators.models import AuthorizationAgreement, OperatorProfile
from apps.workflow import events
from apps.workflow.models import StatusHistory

AGREEMENT_STATUS_CHANGED = "agreement.status_changed"
QUALIFICATION_DECIDED = "qualification.decided"
PING = "webhook.ping"

Q = QualificationStatus
DECISIONS = {Q.QUALIFIED, Q.RETURNED, Q.SUSPENDED, Q.REVOKED, Q.EXITED}


def register_event_types() -> None:
    events.event_type_register(PING, _("Test event"))
    events.event_type_register(AGREEMENT_STATUS_CHANGED, _("Agreement status changed"))
    events.event_type_register(QUALIFICATION_DECIDED, _("Qualification decision"))


def _move(entry: StatusHistory) -> dict:
    return {
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "kind": entry.kind,
        "note": entry.note,
        "at": entry.created_at,
    }


def _agreement_moved(entry: StatusHistory) -> None:
    agreement = (
        AuthorizationAgreement.objects.filter(pk=entry.object_id)
        .only("id", "number", "version", "title", "operator_id")
        .first()
    )
    if agreement is None:
        return
    payload = {
        "agreement": {
            "id": agreement.pk,
            "number": agreement.number,
            "version": agreement.version,
            "title": agreement.title,
        },
        **_move(entry),
    }
    events.event_publish(
        organization=agreement.operator_id,
        event_type=AGREEMENT_STATUS_CHANGED,
        payload=payload,
        target=agreement,
    )


def _profile_moved(entry: StatusHistory) -> None:
    if entry.to_status not in DECISIONS:
        return
    profile = OperatorProfile.objects.filter(pk=entry.object_id).only("organization_id").first()
    if profile is None:
        return
    events.event_publish(
        organization=profile.organization_id,
        event_type=QUALIFICATION_DECIDED,
        payload={"profile": profile.pk, **_move(entry)},
        target=profile,
    )


def _history_written(sender, instance: StatusHistory, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if model is AuthorizationAgreement:
        _agreement_moved(instance)
    elif model is OperatorProfile:
        _profile_moved(instance)


def connect() -> None:
    post_save.connect(_history_written, sender=StatusHistory, dispatch_uid="webhooks.history")
