"""Writes and reads of the one status history (`StatusHistory`)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from apps.workflow.models import StatusHistory


def _actor_organization_id(actor) -> int | None:
    return getattr(actor, "organization_id", None) if actor is not None else None


def history_record(
    obj: Model, *, from_status: str, to_status: str, actor=None, note: str = "", kind: str = ""
) -> StatusHistory:
    """One history row. `transition()` calls it for every move; a service calls it
    directly only for a recorded step that keeps the status (an annual re-review)."""
    return StatusHistory.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        kind=kind or "",
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_organization_id=_actor_organization_id(actor),
        note=note or "",
    )


def history_for(obj: Model) -> QuerySet[StatusHistory]:
    """The object's history, oldest first, with the actor joined (for lists and pages)."""
    return StatusHistory.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor", "actor_organization", "content_type")
