from celery import shared_task

from apps.delivery.alerts import services


@shared_task(name="delivery.alerts_evaluate")
def alerts_evaluate() -> dict:
    """Beat: runs the anomaly rules (safe to run twice: an alert is raised once)."""
    return {"raised": len(services.alerts_evaluate())}
