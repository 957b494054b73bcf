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
from django.utils.translation import gettext_lazy as _

from apps.audit import canonical, signing
from apps.audit.choices import CheckpointKind
from apps.audit.models import AuditCheckpoint, AuditSeal

FETCH = 20_000
# Stable codes (for tests and machines) and the sentence shown to people.
MESSAGES = {
    "changed": _("The event's content does not match its hash: it was changed."),
    "removed": _("The event of this chain entry was removed."),
    "relinked": _("This entry does not link to the previous one: entries were re-ordered."),
    "missing": _("Sequence number %(seq)d is missing (the next one is %(next)d)."),
    "duplicate": _("Sequence number %(seq)d appears twice or out of order."),
    "checkpoint_mismatch": _("The chain differs here from a signed checkpoint."),
    "truncated": _(
        "Events after %(head)d are missing: checkpoint #%(id)d signed sequence number %(seq)d."
    ),
    "bad_signature": _(
        "The %(kind)s #%(id)d at sequence number %(seq)d has an invalid signature: it was "
        "forged or altered, or the key is wrong."
    ),
    "unknown_checkpoint": _("Checkpoint #%(id)d does not exist."),
    "unchained": _("%(count)d events are outside the chain (first id %(first)d)."),
}


@dataclass
class VerifyResult:
    ok: bool = True
    count: int = 0
    head_seq: int = 0
    head_hash: bytes = canonical.GENESIS
    first_bad_seq: int | None = None
    problem: str = ""
    code: str = ""
    start_seq: int = 1
    checkpoints: int = 0
    notes: list[str] = field(default_factory=list)

    def fail(self, at: int | None, code: str, /, **params) -> "VerifyResult":
        self.ok, self.first_bad_seq, self.code = False, at, code
        self.problem = str(MESSAGES[code]) % params if params else str(MESSAGES[code])
        return self

    @property
    def summary(self) -> str:
        if self.ok:
            return (
                f"OK: {self.count} events verified (seq {self.start_seq}..{self.head_seq}), "
                f"head hash {self.head_hash.hex()}, {self.checkpoints} checkpoints valid"
            )
        where = f"seq {self.first_bad_seq}" if self.first_bad_seq is not None else "checkpoint"
        return f"FAILED at {where} [{self.code}]: {self.problem}"


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


def _first_fault_postgresql(start_seq: int, prev: bytes) -> tuple[int, str, dict] | None:
    """Set-based check in PostgreSQL: no Python per row.

    Each entry's hash is recomputed from its event (order does not matter, so PostgreSQL
    may scan and join in parallel); then a narrow ordered pass over the seals checks that
    seq has no gap and each prev_hash is the previous hash. Returns (first bad seq, why).
    """
    faults = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # min(), not ORDER BY ... LIMIT 1: the latter tempts the planner into a million
        # index probes in seq order instead of one parallel hash join.
        cursor.execute(
            "SELECT min(s.seq) FROM audit_seal s "  # noqa: S608 (SQL from constants only)
            "LEFT JOIN audit_event e ON e.id = s.event_id WHERE s.seq >= %s AND (e.id IS NULL"
            f" OR sha256(s.prev_hash || {canonical.sql_body('s.seq', 'e')}) <> s.hash)",
            [start_seq],
        )
        if (seq := cursor.fetchone()[0]) is not None:
            cursor.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM audit_event e JOIN audit_seal s "
                "  ON e.id = s.event_id WHERE s.seq = %s)",
                [seq],
            )
            faults.append((seq, "removed" if cursor.fetchone()[0] else "changed", {}))
        cursor.execute(
            "SELECT seq, prev_hash FROM audit_seal WHERE seq >= %s ORDER BY seq LIMIT 1",
            [start_seq],
        )
        if (row := cursor.fetchone()) is not None:
            seq, prev_hash = row
            if seq != start_seq:
                faults.append((start_seq, "missing", {"seq": start_seq, "next": seq}))
            elif bytes(prev_hash) != prev:
                faults.append((seq, "relinked", {}))
        cursor.execute(
            "SELECT seq, before_seq, prev_hash = before_hash FROM ("
            "  SELECT seq, prev_hash, lag(seq) OVER w AS before_seq,"
            "    lag(hash) OVER w AS before_hash"
            "  FROM audit_seal WHERE seq >= %s WINDOW w AS (ORDER BY seq)"
            ") links WHERE before_seq IS NOT NULL"
            "  AND (seq <> before_seq + 1 OR prev_hash <> before_hash)"
            " ORDER BY seq LIMIT 1",
            [start_seq],
        )
        if row := cursor.fetchone():
            seq, before, linked = row
            if seq == before:
                faults.append((seq, "duplicate", {"seq": seq}))
            elif seq != before + 1:
                faults.append((before + 1, "missing", {"seq": before + 1, "next": seq}))
            elif not linked:
                faults.append((seq, "relinked", {}))
    return min(faults, key=lambda fault: fault[0]) if faults else None


def _head_postgresql(start_seq: int, prev: bytes) -> tuple[int, bytes]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, hash FROM audit_seal WHERE seq >= %s ORDER BY seq DESC LIMIT 1",
            [start_seq],
        )
        row = cursor.fetchone()
    return (row[0], bytes(row[1])) if row else (start_seq - 1, prev)


def _unchained_events() -> tuple[int, int | None]:
    """Events that are neither sealed nor queued: inserted around the chain."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Three counts settle the usual case; only a surplus needs the anti-join.
            cursor.execute(
                "SELECT (SELECT count(*) FROM audit_event) - (SELECT count(*) FROM audit_seal)"
                " - (SELECT count(*) FROM audit_pending)"
            )
            if cursor.fetchone()[0] <= 0:
                return 0, None
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


def _stored_key_ids() -> set[str]:
    # A key given on the command line is tried for every checkpoint, whatever id it names.
    return set(AuditCheckpoint.objects.values_list("key_id", flat=True).distinct())


def _check_signatures(keys: dict[str, Ed25519PublicKey], result: VerifyResult):
    checkpoints = list(AuditCheckpoint.objects.order_by("seq", "id"))
    for cp in checkpoints:
        data = signing.message(cp.kind, cp.seq, bytes(cp.hash), cp.created_at)
        # The stored key id only picks among keys we trust; it proves nothing by itself.
        key = keys.get(cp.key_id)
        if key is None or not signing.is_valid(key, bytes(cp.signature), data):
            result.fail(cp.seq, "bad_signature", kind=cp.kind, id=cp.pk, seq=cp.seq)
            return None
    result.checkpoints = len(checkpoints)
    return checkpoints


def verify_chain(
    *,
    from_checkpoint: int | None = None,
    public_key: Ed25519PublicKey | None = None,
    independent: bool = False,
) -> VerifyResult:
    """Verifies the chain from the start (or the last pruning anchor, or a checkpoint).

    On PostgreSQL the hashes are recomputed by the database (sha256 over the same
    canonical body) unless `independent`, which streams every row and hashes in Python.
    """
    result = VerifyResult()
    if public_key is not None:
        keys = {cp_key_id: public_key for cp_key_id in _stored_key_ids()}
    else:
        keys = signing.trusted_keys()
    checkpoints = _check_signatures(keys, result)
    if checkpoints is None:
        return result
    start_seq, prev = 1, canonical.GENESIS
    anchors = [cp for cp in checkpoints if cp.kind == CheckpointKind.ANCHOR]
    if from_checkpoint is not None:
        chosen = next((cp for cp in checkpoints if cp.pk == from_checkpoint), None)
        if chosen is None:
            return result.fail(None, "unknown_checkpoint", id=from_checkpoint)
        start_seq, prev = chosen.seq + 1, bytes(chosen.hash)
    elif anchors:
        start_seq, prev = anchors[-1].seq + 1, bytes(anchors[-1].hash)
    expected_at = {cp.seq: bytes(cp.hash) for cp in checkpoints if cp.seq >= start_seq}
    result.start_seq = start_seq
    if connection.vendor == "postgresql" and not independent:
        with transaction.atomic():  # one snapshot for every query
            fault = _first_fault_postgresql(start_seq, prev)
            fault_at_checkpoint = _checkpoint_mismatch(expected_at)
            head_seq, head_hash = _head_postgresql(start_seq, prev)
        if fault or fault_at_checkpoint:
            seq, code, params = min(
                (f for f in (fault, fault_at_checkpoint) if f), key=lambda f: f[0]
            )
            return result.fail(seq, code, **params)
        result.head_seq, result.head_hash = head_seq, head_hash
        result.count = head_seq - start_seq + 1
    elif not _stream(result, start_seq, prev, expected_at):
        return result
    ahead = [cp for cp in checkpoints if cp.seq > result.head_seq]
    if ahead:
        newest = max(ahead, key=lambda cp: cp.seq)
        return result.fail(
            result.head_seq + 1, "truncated", head=result.head_seq, id=newest.pk, seq=newest.seq
        )
    if from_checkpoint is None:
        count, first_id = _unchained_events()
        if count:
            return result.fail(None, "unchained", count=count, first=first_id)
    return result


def _checkpoint_mismatch(expected_at: dict[int, bytes]) -> tuple[int, str, dict] | None:
    hashes = dict(AuditSeal.objects.filter(seq__in=list(expected_at)).values_list("seq", "hash"))
    for seq in sorted(expected_at):
        if seq in hashes and bytes(hashes[seq]) != expected_at[seq]:
            return seq, "checkpoint_mismatch", {}
    return None


def _stream(result: VerifyResult, start_seq: int, prev: bytes, expected_at: dict) -> bool:
    """Row-by-row verification with the hashes computed here, in Python."""
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
                _diagnose(result, seq, expected, prev_hash, prev, digest, body)
                return False
            prev = digest
            expected += 1
            if seq in expected_at and expected_at[seq] != digest:
                result.fail(seq, "checkpoint_mismatch")
                return False
    result.count = expected - start_seq
    result.head_seq, result.head_hash = expected - 1, prev
    return True


def _diagnose(result, seq, expected, prev_hash, prev, digest, body) -> VerifyResult:
    if seq != expected:
        if seq < expected:
            return result.fail(seq, "duplicate", seq=seq)
        return result.fail(expected, "missing", seq=expected, next=seq)
    if body is None:
        return result.fail(seq, "removed")
    if prev_hash != prev:
        return result.fail(seq, "relinked")
    return result.fail(seq, "changed")
