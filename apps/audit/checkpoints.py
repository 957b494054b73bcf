"""Signed checkpoints of the chain head: every AUDIT_CHECKPOINT_EVERY events and every
minute (beat). Someone who rewrites the tables, or cuts off their newest rows, cannot
produce a matching signature without the key, which is not in the database."""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.audit import signing
from apps.audit.choices import CheckpointKind
from apps.audit.models import AuditCheckpoint

# "ckpt" in ASCII: two beat processes (or a beat and a verification) take turns here.
CHECKPOINT_LOCK = 0x636B7074


def checkpoint_sign(*, kind: str, seq: int, chain_hash: bytes) -> AuditCheckpoint:
    created_at = timezone.now()
    signature = signing.sign(signing.message(kind, seq, chain_hash, created_at))
    checkpoint = AuditCheckpoint(
        kind=kind,
        seq=seq,
        hash=chain_hash,
        created_at=created_at,
        key_id=signing.key_id(),
        signature=signature,
    )
    checkpoint.save(force_insert=True)
    return checkpoint


def last_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.filter(kind=CheckpointKind.CHECKPOINT).order_by("-seq").first()


@transaction.atomic
def checkpoint_create(*, every: int = 1) -> AuditCheckpoint | None:
    """Signs the current head if it moved at least `every` events since the last one.

    One at a time (a transaction-scoped advisory lock on PostgreSQL; SQLite's write lock
    serializes it there), so a second caller sees the first one's checkpoint and signs
    nothing; the unique (kind, seq) index refuses whatever would slip past.
    """
    from apps.audit.sealer import head

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHECKPOINT_LOCK])
    seq, chain_hash = head()
    last = last_checkpoint()
    if seq == 0 or seq - (last.seq if last else 0) < every:
        return None
    return checkpoint_sign(kind=CheckpointKind.CHECKPOINT, seq=seq, chain_hash=chain_hash)


def checkpoint_if_due() -> AuditCheckpoint | None:
    return checkpoint_create(every=settings.AUDIT_CHECKPOINT_EVERY)
