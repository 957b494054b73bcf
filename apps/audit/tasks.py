"""Thin Celery wrappers: each one is safe to run twice and re-reads the database."""

from celery import shared_task

from apps.audit.checkpoints import checkpoint_create
from apps.audit.partitions import audit_prune
from apps.audit.sealer import seal_pending


@shared_task(name="apps.audit.tasks.seal")
def seal() -> int:
    return seal_pending()


@shared_task(name="apps.audit.tasks.checkpoint")
def checkpoint() -> int | None:
    seal_pending()
    created = checkpoint_create()
    return created.seq if created else None


@shared_task(name="apps.audit.tasks.prune")
def prune() -> int:
    return audit_prune().events_removed
