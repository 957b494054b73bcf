"""Gives unchained events their place in the chain, in small batches, one sealer at a time.

Writers only INSERT (a trigger queues the new id in audit_pending), so they never wait for
each other. The sealer, under a PostgreSQL advisory lock, takes the queued events that are
visible (committed), numbers them gap-free after the current head, hashes each over the
previous hash and inserts the seals. Celery beat runs it every second; audit_verify and
checkpoints run it first.
"""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.audit import canonical
from apps.audit.choices import CheckpointKind
from apps.audit.models import AuditCheckpoint, AuditEvent, AuditSeal

# "audit" in ASCII: the advisory lock id that makes the sealer a singleton.
SEALER_LOCK = 0x6175646974


def head() -> tuple[int, bytes]:
    """(seq, hash) of the newest chain entry: last seal or, after pruning, the anchor."""
    seal = AuditSeal.objects.order_by("-seq").values_list("seq", "hash").first()
    anchor = (
        AuditCheckpoint.objects.filter(kind=CheckpointKind.ANCHOR)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    best = max([seal, anchor], key=lambda item: item[0] if item else -1)
    return (best[0], bytes(best[1])) if best else (0, canonical.GENESIS)


def _pending_postgresql(cursor, limit: int, after: int) -> list[tuple[int, object, bytes]]:
    # The queue is picked first (MATERIALIZED), so each event is then fetched by its key
    # from its own partition instead of joining the whole event table.
    cursor.execute(
        "WITH p AS MATERIALIZED ("  # noqa: S608 (SQL from constants only)
        "  SELECT event_id, occurred_at FROM audit_pending WHERE event_id > %s "
        "  ORDER BY event_id LIMIT %s"
        f") SELECT e.id, e.occurred_at, convert_to({canonical.sql_rest('e')}, 'UTF8') "
        "FROM p JOIN audit_event e ON e.id = p.event_id AND e.occurred_at = p.occurred_at "
        "ORDER BY e.id",
        [after, limit],
    )
    return [(row[0], row[1], bytes(row[2])) for row in cursor.fetchall()]


def _pending_generic(limit: int) -> list[tuple[int, object, bytes]]:
    names = ["id", "occurred_at", *canonical.TEXT_FIELDS]
    rows = AuditEvent.objects.filter(seal__isnull=True).order_by("id").values(*names)[:limit]
    return [(row["id"], row["occurred_at"], canonical.rest_bytes(row)) for row in rows]


def _seal_batch(limit: int, after: int = 0) -> int | None:
    """Seals up to `limit` queued events with an id above `after`; None when another
    sealer holds the lock."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEALER_LOCK])
            if not cursor.fetchone()[0]:
                return None
            pending = _pending_postgresql(cursor, limit, after)
        else:
            pending = _pending_generic(limit)
        if not pending:
            return 0
        seq, prev = head()
        now = timezone.now()
        seals = []
        for event_id, occurred_at, rest in pending:
            seq += 1
            digest = canonical.chain_hash(prev, seq, rest)
            seals.append((seq, event_id, occurred_at, prev, digest))
            prev = digest
        if postgres:
            columns = list(zip(*seals, strict=True))
            cursor.execute(
                "INSERT INTO audit_seal (seq, event_id, occurred_at, prev_hash, hash, sealed_at) "
                "SELECT s, e, o, p, h, %s FROM unnest("
                "  %s::bigint[], %s::bigint[], %s::timestamptz[], %s::bytea[], %s::bytea[]"
                ") AS t(s, e, o, p, h)",
                [now, *map(list, columns)],
            )
            cursor.execute("DELETE FROM audit_pending WHERE event_id = ANY(%s)", [list(columns[1])])
        else:
            AuditSeal.objects.bulk_create(
                AuditSeal(seq=s, event_id=e, occurred_at=o, prev_hash=p, hash=h, sealed_at=now)
                for s, e, o, p, h in seals
            )
        return len(seals)


def _last_sealed_event_id() -> int:
    return AuditSeal.objects.order_by("-seq").values_list("event_id", flat=True).first() or 0


def seal_pending(*, batch_size: int | None = None, max_events: int | None = None) -> int:
    """Seals everything queued now (or up to `max_events`); returns how many it sealed."""
    batch_size = batch_size or settings.AUDIT_SEAL_BATCH
    total, after = 0, 0
    while max_events is None or total < max_events:
        # Within one run, continue after the last sealed id rather than re-walking the
        # queue's deleted head; a lower id committed meanwhile is taken by the next run.
        sealed = _seal_batch(batch_size, after)
        if not sealed:
            break
        total += sealed
        after = _last_sealed_event_id()
        if sealed < batch_size:
            break
    if total:
        from apps.audit.checkpoints import checkpoint_if_due

        checkpoint_if_due()
    return total
