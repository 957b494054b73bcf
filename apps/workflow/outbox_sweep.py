"""The one sweeper (beat, every OUTBOX_SWEEP_SECONDS). Redis keeps nothing on disk, so a
nudge can be lost; the sweeper nudges again only the rows whose nudge is overdue and
records that it did (last_nudged_at, nudge_count), so a row waiting behind a long job is
not enqueued again at every sweep."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.workflow.models import OutboxItem, OutboxStatus
from apps.workflow.outbox import claimable, send_nudge

BATCH = 1000


def renudge_after(*, nudges: int, attempts: int) -> timedelta:
    """OUTBOX_RENUDGE_SECONDS, doubled for every nudge that did not lead to a run."""
    unanswered = max(nudges - attempts - 1, 0)
    seconds = settings.OUTBOX_RENUDGE_SECONDS * 2 ** min(unanswered, 16)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RENUDGE_MAX_SECONDS))


def _overdue(row: dict, now: datetime) -> bool:
    last = row["last_nudged_at"]
    if last is None:
        return True
    if row["status"] == OutboxStatus.RUNNING and last < row["lease_until"]:
        return True  # its worker died and nobody has been told since the lease lapsed
    return last <= now - renudge_after(nudges=row["nudge_count"], attempts=row["attempts"])


def outbox_sweep(*, now: datetime | None = None) -> list[int]:
    """Nudges due pending rows and lapsed running rows whose nudge is overdue."""
    now = now or timezone.now()
    # Coarse in SQL (never nudged, nudged before the shortest wait, or not since the lease
    # lapsed), exact in Python (the wait doubles); the longest-waiting rows come first.
    coarse = (
        Q(last_nudged_at__isnull=True)
        | Q(last_nudged_at__lte=now - renudge_after(nudges=0, attempts=0))
        | Q(status=OutboxStatus.RUNNING, last_nudged_at__lt=F("lease_until"))
    )
    rows = (
        OutboxItem.objects.filter(claimable(now))
        .filter(coarse)
        .order_by(F("last_nudged_at").asc(nulls_first=True), "pk")
        .values(
            "pk", "topic", "status", "last_nudged_at", "nudge_count", "attempts", "lease_until"
        )[:BATCH]
    )
    nudged = []
    for row in rows:
        if not _overdue(row, now):
            continue
        # Compare-and-swap: two sweepers (two beat processes by mistake) nudge once.
        if OutboxItem.objects.filter(
            pk=row["pk"], last_nudged_at=row["last_nudged_at"], nudge_count=row["nudge_count"]
        ).update(last_nudged_at=now, nudge_count=F("nudge_count") + 1):
            nudged.append(row["pk"])
            transaction.on_commit(lambda pk=row["pk"], topic=row["topic"]: send_nudge(pk, topic))
    return nudged


def outbox_prune(*, now: datetime | None = None) -> int:
    """Deletes finished work older than OUTBOX_KEEP_DAYS (daily beat). Failed rows stay
    until someone looks at them; the audit log keeps what each job did."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted = 0
    while True:
        batch = list(
            OutboxItem.objects.filter(status=OutboxStatus.DONE, finished_at__lt=cutoff).values_list(
                "pk", flat=True
            )[:BATCH]
        )
        if not batch:
            return deleted
        deleted += OutboxItem.objects.filter(pk__in=batch).delete()[0]
