"""Run the outbox in the test process, as a worker would (on_commit never fires in `db`
tests, so nothing reaches a broker)."""

from django.utils import timezone

from apps.workflow.models import OutboxItem
from apps.workflow.outbox import outbox_run


def run_outbox(topic: str | None = None) -> int:
    """Runs every due pending item (of `topic`); returns how many ran."""
    items = OutboxItem.objects.filter(status="pending", next_attempt_at__lte=timezone.now())
    if topic:
        items = items.filter(topic=topic)
    return sum(outbox_run(pk) for pk in items.order_by("pk").values_list("pk", flat=True))
