"""Reads of the audit log, already scoped to what the user may see.

Regulators read everything; any other organization reads the events it did (actor
organization) and the events about its objects (target organization).
"""

from datetime import datetime

from django.db.models import Q, QuerySet

from apps.audit.choices import CheckpointKind
from apps.audit.models import AuditCheckpoint, AuditEvent

FILTERS = (
    "actor",
    "organization",
    "action",
    "target_type",
    "target_id",
    "outcome",
    "since",
    "until",
)


def event_list(*, user, filters: dict | None = None) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.restrict(user, "view").select_related("seal")
    return _apply(events, filters or {})


def _apply(events: QuerySet[AuditEvent], filters: dict) -> QuerySet[AuditEvent]:
    if actor := filters.get("actor"):
        events = events.filter(Q(actor_label=actor) | Q(actor_id=actor))
    if (organization := filters.get("organization")) not in (None, ""):
        events = events.filter(Q(actor_org_id=organization) | Q(target_org_id=organization))
    if action := filters.get("action"):
        # "grant." matches every grant action; "grant.approve" only that one.
        events = (
            events.filter(action__startswith=action)
            if action.endswith(".")
            else events.filter(action=action)
        )
    if target_type := filters.get("target_type"):
        events = events.filter(target_type=target_type)
    if target_id := filters.get("target_id"):
        events = events.filter(target_id=str(target_id))
    if outcome := filters.get("outcome"):
        events = events.filter(outcome=outcome)
    since: datetime | None = filters.get("since")
    until: datetime | None = filters.get("until")
    if since:
        events = events.filter(occurred_at__gte=since)
    if until:
        events = events.filter(occurred_at__lt=until)
    return events


def event_timeline(*, user, target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    """Everything that happened to one object, oldest first."""
    filters = {"target_type": target_type, "target_id": target_id}
    return event_list(user=user, filters=filters).order_by("id")


def checkpoint_list() -> QuerySet[AuditCheckpoint]:
    """Public: checkpoints carry only sequence numbers, hashes and signatures."""
    return AuditCheckpoint.objects.all()


def covering_checkpoint(seq: int | None) -> AuditCheckpoint | None:
    """The first signed checkpoint at or after `seq`: it vouches for every event up to it."""
    if seq is None:
        return None
    return (
        AuditCheckpoint.objects.filter(kind=CheckpointKind.CHECKPOINT, seq__gte=seq)
        .order_by("seq")
        .first()
    )
