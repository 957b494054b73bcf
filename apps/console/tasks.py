from celery import shared_task

from apps.console import figures


@shared_task(name="console.dashboard_refresh")
def dashboard_refresh() -> dict:
    """Beat: recomputes today's dashboard figures (safe to run twice)."""
    snapshot = figures.dashboard_refresh()
    return {"day": str(snapshot.day), "seconds": snapshot.seconds}
