"""Thin Celery wrappers: each one is safe to run twice and re-reads the database."""

from celery import shared_task

from apps.delivery import quotas, statements
from apps.delivery.alerts import services
from apps.delivery.export_links import exports_prune
from apps.delivery.scoped import scoped_prune


@shared_task(name="delivery.alerts_evaluate")
def alerts_evaluate() -> dict:
    """Beat: runs the anomaly rules (safe to run twice: an alert is raised once)."""
    return {"raised": len(services.alerts_evaluate())}


@shared_task(name="delivery.exports.prune")
def exports_prune_task() -> dict:
    """Hourly beat: export files past their keeping time or of ended grants, and the
    sandbox copies of ended grants (safe to run twice)."""
    return {"exports": exports_prune(), "sandbox": scoped_prune()}


@shared_task(name="delivery.statements_close")
def statements_close() -> dict:
    """Monthly beat: the previous month's final statements (safe to run twice)."""
    return {"statements": len(statements.statements_close_previous())}


@shared_task(name="delivery.statements_refresh")
def statements_refresh() -> dict:
    """Beat: the current month's provisional statements (safe to run twice)."""
    return {"statements": len(statements.statements_refresh_current())}


@shared_task(name="delivery.usage_events_prune")
def usage_events_prune() -> dict:
    """Daily beat: per-request usage events past their keeping time (safe to run twice)."""
    return {"removed": quotas.usage_events_prune()}
