"""Re-derives the whole chain and compares it with the signed checkpoints.

Fails, naming the first bad sequence number, when an event was changed (hash mismatch),
removed (seal without event, or a gap in seq), re-ordered (prev_hash mismatch), when the
newest events were cut off (a checkpoint is ahead of the head), when a checkpoint's
signature does not verify, or when an event was never chained.
"""

import hashlib
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection, transaction

from apps.audit import canonical, signing
from apps.audit.choices import CheckpointKind
from apps.audit.models import AuditCheckpoint, AuditSeal

FETCH = 20_000


@dataclass
class VerifyResult:
    ok: bool = True
    count: int = 0
    head_seq: int = 0
    head_hash: bytes = canonical.GENESIS
    first_bad_seq: int | None = None
    problem: str = ""
    start_seq: int = 1
    checkpoints: int = 0
    notes: list[str] = field(default_factory=list)

    def fail(self, seq: int | None, problem: str) -> "VerifyResult":
        self.ok, self.first_bad_seq, self.problem = False, seq, problem
        return self

    @property
    def summary(self) -> str:
        if self.ok:
            return (
                f"OK: {self.count} events verified (seq {self.start_seq}..{self.head_seq}), "
                f"head hash {self.head_hash.hex()}, {self.checkpoints} checkpoints valid"
            )
        where = f"seq {self.first_bad_seq}" if self.first_bad_seq is not None else "checkpoint"
        return f"FAILED at {where}: {self.problem}"


def _rows_postgresql(start_seq: int):
    sql = (
        "SELECT s.seq, s.prev_hash, s.hash, "  # noqa: S608 (SQL from constants only)
        f"  CASE WHEN e.id IS NULL THEN NULL ELSE {canonical.sql_body('s.seq', 'e')} END "
        "FROM audit_seal s LEFT JOIN audit_event e ON e.id = s.event_id "
        "WHERE s.seq >= %s ORDER BY s.seq"
    )
    connection.ensure_connection()
    # A server-side cursor in binary mode: constant memory, bytea arrives as raw bytes.
    with connection.connection.cursor(name="audit_verify", binary=True) as cursor:
        cursor.itersize = FETCH
        cursor.execute(sql, [start_seq])
        yield from cursor


def _rows_generic(start_seq: int):
    names = ["id", "occurred_at", *canonical.TEXT_FIELDS]
    seals = AuditSeal.objects.filter(seq__gte=start_seq).order_by("seq").select_related("event")
    for seal in seals.iterator(chunk_size=FETCH):
        try:
            event = seal.event
        except AuditSeal.event.RelatedObjectDoesNotExist:
            event = None
        body = None
        if event is not None:
            values = {name: getattr(event, name) for name in names}
            body = canonical.body(seal.seq, canonical.rest_bytes(values))
        yield seal.seq, bytes(seal.prev_hash), bytes(seal.hash), body


def _unchained_events() -> tuple[int, int | None]:
    """Events that are neither sealed nor queued: inserted around the chain."""
    with connection.cursor() as cursor:
        pending = (
            "AND NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.event_id = e.id)"
            if connection.vendor == "postgresql"
            else ""
        )
        cursor.execute(
            "SELECT count(*), min(e.id) FROM audit_event e WHERE NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM audit_seal s WHERE s.event_id = e.id) {pending}"
        )
        return cursor.fetchone()


def _check_signatures(key: Ed25519PublicKey, result: VerifyResult):
    checkpoints = list(AuditCheckpoint.objects.order_by("seq", "id"))
    for cp in checkpoints:
        data = signing.message(cp.kind, cp.seq, bytes(cp.hash), cp.created_at)
        if not signing.is_valid(key, bytes(cp.signature), data):
            result.fail(
                cp.seq,
                f"{cp.kind} #{cp.pk} (seq {cp.seq}) has an invalid signature: forged, "
                "altered, or signed with another key",
            )
            return None
    result.checkpoints = len(checkpoints)
    return checkpoints


def verify_chain(
    *, from_checkpoint: int | None = None, public_key: Ed25519PublicKey | None = None
) -> VerifyResult:
    result = VerifyResult()
    key = public_key or signing.public_key()
    checkpoints = _check_signatures(key, result)
    if checkpoints is None:
        return result
    start_seq, prev = 1, canonical.GENESIS
    anchors = [cp for cp in checkpoints if cp.kind == CheckpointKind.ANCHOR]
    if from_checkpoint is not None:
        chosen = next((cp for cp in checkpoints if cp.pk == from_checkpoint), None)
        if chosen is None:
            return result.fail(None, f"checkpoint #{from_checkpoint} does not exist")
        start_seq, prev = chosen.seq + 1, bytes(chosen.hash)
    elif anchors:
        start_seq, prev = anchors[-1].seq + 1, bytes(anchors[-1].hash)
    expected_at = {cp.seq: bytes(cp.hash) for cp in checkpoints if cp.seq >= start_seq}
    result.start_seq = start_seq
    rows = _rows_postgresql if connection.vendor == "postgresql" else _rows_generic
    expected, sha256 = start_seq, hashlib.sha256
    with transaction.atomic():
        for seq, prev_hash, digest, body in rows(start_seq):
            # The hot loop: one tuple unpack, three comparisons, one SHA-256.
            if (
                seq != expected
                or body is None
                or prev_hash != prev
                or sha256(prev_hash + body).digest() != digest
            ):
                return _diagnose(result, seq, expected, prev_hash, prev, digest, body)
            prev = digest
            expected += 1
            if seq in expected_at and expected_at[seq] != digest:
                return result.fail(seq, "the chain differs from a signed checkpoint here")
    result.count = expected - start_seq
    result.head_seq, result.head_hash = expected - 1, prev
    ahead = [cp for cp in checkpoints if cp.seq > result.head_seq]
    if ahead:
        newest = max(ahead, key=lambda cp: cp.seq)
        return result.fail(
            result.head_seq + 1,
            f"events after seq {result.head_seq} are missing: checkpoint #{newest.pk} "
            f"signed seq {newest.seq}",
        )
    if from_checkpoint is None:
        count, first_id = _unchained_events()
        if count:
            return result.fail(None, f"{count} events are outside the chain (first id {first_id})")
    return result


def _diagnose(result, seq, expected, prev_hash, prev, digest, body) -> VerifyResult:
    if seq != expected:
        if seq < expected:
            return result.fail(seq, f"seq {seq} appears twice or out of order")
        return result.fail(expected, f"seq {expected} is missing (next is {seq})")
    if body is None:
        return result.fail(seq, "the event of this chain entry was removed")
    if prev_hash != prev:
        return result.fail(seq, "prev_hash does not link to the previous entry (re-ordered)")
    return result.fail(seq, "the event's content does not match its hash (changed)")
