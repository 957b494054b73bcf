"""Reads of the audit log, already scoped to what the user may see.

Regulators read everything; any other organization reads the events it did (actor
organization) and the events about its objects (target organization).
"""

import copy
from datetime import datetime

from django.db.models import Q, QuerySet

from apps.audit.choices import ActorType, CheckpointKind
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


# What identifies the person behind an event. An organization reading events about its
# objects sees which organization acted (actor_org_id), not who, from where or with what.
PERSONAL_COLUMNS = ("actor_id", "actor_label", "ip", "user_agent")
_PEOPLE = (ActorType.USER, ActorType.API_KEY, ActorType.ANONYMOUS)


def shows_person(user, event: AuditEvent) -> bool:
    """Whether `user` may read who did `event`: regulators always; an organization only
    for its own people (and for system jobs, which are nobody)."""
    if getattr(user, "is_regulator", False) or event.actor_type not in _PEOPLE:
        return True
    org_id = getattr(user, "organization_id", None)
    return org_id is not None and event.actor_org_id == org_id


# Blanked with them where they are: the event's chain hash covers the personal columns, so
# with the hash (and the one before, often also readable) a reader could test guesses of
# who acted and from which address offline. `seq` still names the event in the chain.
SEALED_WITH_PERSON = ("hash",)


def without_person(user, event: AuditEvent, row: dict) -> dict:
    """`row` (an event as read out) with the personal columns, and the hash that covers
    them, blanked where `user` may not read them."""
    if shows_person(user, event):
        return row
    blank = {column: "" for column in PERSONAL_COLUMNS if column in row}
    blank.update({column: None for column in SEALED_WITH_PERSON if column in row})
    return {**row, **blank}


def person_hidden(user, event: AuditEvent) -> AuditEvent:
    """`event` as a page may show it to `user`: a copy with the personal columns blank
    where `user` may not read them (`without_person`, for a model instance)."""
    if shows_person(user, event):
        return event
    hidden = copy.copy(event)
    for column in PERSONAL_COLUMNS:
        setattr(hidden, column, "")
    return hidden


def person_shown(user) -> Q:
    """The events whose person `user` may read (shows_person, as a filter)."""
    if getattr(user, "is_regulator", False):
        return Q()
    shown = ~Q(actor_type__in=_PEOPLE)
    if (org_id := getattr(user, "organization_id", None)) is not None:
        shown |= Q(actor_org_id=org_id)
    return shown


def event_list(*, user, filters: dict | None = None) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.restrict(user, "view").select_related("seal")
    return _apply(events, filters or {}, user)


def _apply(events: QuerySet[AuditEvent], filters: dict, user) -> QuerySet[AuditEvent]:
    if actor := filters.get("actor"):
        # Only among the events whose person the reader sees: matching a hidden actor's
        # name or id would tell who did what the row itself leaves blank.
        events = events.filter(Q(actor_label=actor) | Q(actor_id=actor), person_shown(user))
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
