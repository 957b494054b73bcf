"""CSV and JSON Lines exports, each vouched for by the signed checkpoint that covers it."""

import json

from django.db.models import Max, QuerySet

from apps.audit import signing
from apps.audit.checkpoints import checkpoint_create
from apps.audit.models import AuditCheckpoint, AuditEvent
from apps.audit.sealer import seal_pending
from apps.audit.selectors import covering_checkpoint, without_person
from apps.core import csvsafe

COLUMNS = [
    "seq", "hash", "id", "occurred_at", "actor_type", "actor_id", "actor_label",
    "actor_org_id", "actor_role", "action", "target_type", "target_id", "target_org_id",
    "outcome", "reason", "request_id", "ip", "user_agent", "retention", "data", "changes",
]  # fmt: skip


def checkpoint_for(events: QuerySet[AuditEvent]) -> AuditCheckpoint | None:
    """Seals what is queued and signs a checkpoint if none yet covers these events."""
    seal_pending()
    newest = events.aggregate(seq=Max("seal__seq"))["seq"]
    checkpoint = covering_checkpoint(newest)
    if checkpoint is None and newest is not None:
        checkpoint = checkpoint_create() or covering_checkpoint(newest)
    return checkpoint


def checkpoint_dict(checkpoint: AuditCheckpoint | None) -> dict | None:
    if checkpoint is None:
        return None
    return {
        "id": checkpoint.pk,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash_hex,
        "created_at": checkpoint.created_at.isoformat(),
        "key_id": checkpoint.key_id,
        "signature": bytes(checkpoint.signature).hex(),
        "public_key": signing.public_pem(),
    }


def _row(event: AuditEvent, viewer) -> dict:
    try:
        seal = event.seal
    except AuditEvent.seal.RelatedObjectDoesNotExist:
        seal = None  # written a moment ago, not chained yet
    row = {name: getattr(event, name) for name in COLUMNS if hasattr(event, name)}
    row["seq"] = seal.seq if seal else None
    row["hash"] = bytes(seal.hash).hex() if seal else None
    row["occurred_at"] = event.occurred_at.isoformat()
    return without_person(viewer, event, row)


class _Echo:
    def write(self, value):
        return value


def csv_lines(events: QuerySet[AuditEvent], viewer):
    """Cells a spreadsheet would run (a user agent of `=HYPERLINK(...)`) are neutralized."""
    writer = csvsafe.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for event in events.iterator(chunk_size=2000):
        row = _row(event, viewer)
        yield writer.writerow([row.get(name) for name in COLUMNS])


def jsonl_lines(events: QuerySet[AuditEvent], checkpoint: AuditCheckpoint | None, viewer):
    yield json.dumps({"type": "checkpoint", "checkpoint": checkpoint_dict(checkpoint)}) + "\n"
    for event in events.iterator(chunk_size=2000):
        row = _row(event, viewer)
        row["data"], row["changes"] = json.loads(event.data), json.loads(event.changes)
        yield json.dumps({"type": "event", **row}, ensure_ascii=False) + "\n"
