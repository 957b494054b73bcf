"""Thin Celery wrappers: each one is safe to run twice and re-reads the database."""

from celery import shared_task

from apps.delivery.alerts import services
from apps.delivery.export_links import exports_prune


@shared_task(name="delivery.alerts_evaluate")
def alerts_evaluate() -> dict:
    """Beat: runs the anomaly rules (safe to run twice: an alert is raised once)."""
    return {"raised": len(services.alerts_evaluate())}


@shared_task(name="delivery.exports.prune")
def exports_prune_task() -> int:
    return exports_prune()
