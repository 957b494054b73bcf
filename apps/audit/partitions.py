"""Monthly segments and retention pruning.

On PostgreSQL audit_event and audit_seal are range-partitioned by month (UTC) on the
event time, so dropping a month is a DROP TABLE of two partitions, with no row-by-row
DELETE (which the triggers forbid). A month goes only when every retention class in it
has expired, all of it is sealed and it is the oldest part of the chain; its last (seq,
hash) is first signed as an anchor, where audit_verify then starts. Run by the database
owner role (`manage.py audit_prune`), since the application role has no DDL rights.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from apps.audit.checkpoints import checkpoint_sign
from apps.audit.choices import CheckpointKind, Outcome, Retention
from apps.audit.context import SYSTEM
from apps.audit.models import AuditEvent, AuditSeal


@dataclass
class PruneResult:
    segments: list[str] = field(default_factory=list)
    events_removed: int = 0
    anchor_seq: int | None = None
    stopped_because: str = ""


def month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


def ensure_partitions(*, around: datetime | None = None, ahead: int | None = None) -> None:
    """Creates the monthly partitions from `around` (default now) to `ahead` months later."""
    if connection.vendor != "postgresql":
        return
    month = month_start(around or timezone.now())
    ahead = settings.AUDIT_PARTITIONS_AHEAD if ahead is None else ahead
    with connection.cursor() as cursor:
        for _ in range(ahead + 1):
            cursor.execute("SELECT audit_ensure_partition(%s)", [month.date()])
            month = next_month(month)


def _partition_months() -> list[datetime]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'audit_event'::regclass AND c.relname ~ '^audit_event_p[0-9]{6}$'"
        )
        names = sorted(row[0] for row in cursor.fetchall())
    return [datetime(int(n[-6:-2]), int(n[-2:]), 1, tzinfo=UTC) for n in names]


def _candidate_months() -> list[datetime]:
    if connection.vendor == "postgresql":
        return _partition_months()
    oldest = AuditEvent.objects.aggregate(first=Min("occurred_at"))["first"]
    months, month, now = [], month_start(oldest) if oldest else None, timezone.now()
    while month is not None and month < now:
        months.append(month)
        month = next_month(month)
    return months


def _drop_month(start: datetime, end: datetime) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            suffix = f"p{start:%Y%m}"
            cursor.execute(f"DROP TABLE audit_seal_{suffix}, audit_event_{suffix}")
        else:
            # SQLite (embedded default) has no partitions and no triggers.
            for table in ("audit_seal", "audit_event"):
                cursor.execute(
                    f"DELETE FROM {table} WHERE occurred_at >= %s AND occurred_at < %s",  # noqa: S608
                    [start, end],
                )


def _prunable(start: datetime, end: datetime, now: datetime) -> tuple[bool, str, dict]:
    from apps.audit.services import retention_days

    events = AuditEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    seals = AuditSeal.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    classes = set(events.values_list("retention", flat=True).distinct())
    keep_days = max((retention_days(c) for c in classes), default=retention_days(Retention.ACCESS))
    if end + timedelta(days=keep_days) > now:
        return False, f"{start:%Y-%m} is within its retention ({keep_days} days)", {}
    count, span = events.count(), seals.aggregate(first=Min("seq"), last=Max("seq"))
    if seals.count() != count:
        return False, f"{start:%Y-%m} has unsealed events", {}
    later = AuditSeal.objects.filter(occurred_at__gte=end).aggregate(first=Min("seq"))["first"]
    if span["last"] is not None and later is not None and later < span["last"]:
        # A transaction that straddled the month end was sealed after a newer event.
        return False, f"{start:%Y-%m} is not a whole chain segment yet", {}
    return True, "", {"count": count, **span}


def audit_prune(*, now: datetime | None = None) -> PruneResult:
    """Drops whole expired monthly segments, oldest first, leaving a signed anchor."""
    from apps.audit.sealer import seal_pending
    from apps.audit.services import audit_record

    now = now or timezone.now()
    seal_pending()
    result = PruneResult()
    current = month_start(now)
    for start in _candidate_months():
        end = next_month(start)
        if end > current:
            break
        ok, why, span = _prunable(start, end, now)
        if not ok:
            result.stopped_because = why
            break
        try:
            with transaction.atomic():
                anchor = None
                if span["last"] is not None:
                    last = AuditSeal.objects.get(seq=span["last"])
                    checkpoint_sign(
                        kind=CheckpointKind.ANCHOR, seq=last.seq, chain_hash=bytes(last.hash)
                    )
                    anchor = last.seq
                _drop_month(start, end)
        except DatabaseError as error:
            # Typically the application role, which may not DROP: run `manage.py
            # audit_prune` as the owner role (README). The anchor rolled back with it.
            result.stopped_because = f"{start:%Y-%m} could not be dropped: {error}"
            break
        if anchor is not None:
            result.anchor_seq = anchor
        result.segments.append(f"{start:%Y-%m}")
        result.events_removed += span["count"]
    try:
        with transaction.atomic():
            ensure_partitions(around=now)
    except DatabaseError as error:
        result.stopped_because = result.stopped_because or f"partitions not created: {error}"
    audit_record(
        actor=SYSTEM,
        action="audit.prune",
        outcome=Outcome.ERROR if "could not" in result.stopped_because else Outcome.ALLOWED,
        target=("audit.segment", ",".join(result.segments)[:64]),
        data={
            "segments": result.segments,
            "events_removed": result.events_removed,
            "anchor_seq": result.anchor_seq,
            "stopped_because": result.stopped_because,
        },
    )
    return result
