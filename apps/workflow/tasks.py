"""Thin Celery wrappers of the outbox: the generic run task and the one sweeper."""

from celery import shared_task

from apps.workflow.outbox import outbox_run
from apps.workflow.outbox_sweep import outbox_prune, outbox_sweep


# acks_late + reject_on_worker_lost: a message whose worker died goes back to the queue;
# the claim (lease, attempts counted) makes a second delivery harmless.
@shared_task(name="workflow.outbox.run", acks_late=True, reject_on_worker_lost=True)
def outbox_run_task(item_id: int) -> bool:
    return outbox_run(item_id)


@shared_task(name="workflow.outbox.sweep")
def outbox_sweep_task() -> list[int]:
    return outbox_sweep()


@shared_task(name="workflow.outbox.prune")
def outbox_prune_task() -> int:
    return outbox_prune()
