from celery import shared_task

from apps.delivery import statements


@shared_task(name="delivery.statements_close")
def statements_close() -> dict:
    """Monthly beat: the previous month's final statements (safe to run twice)."""
    return {"statements": len(statements.statements_close_previous())}


@shared_task(name="delivery.statements_refresh")
def statements_refresh() -> dict:
    """Beat: the current month's provisional statements (safe to run twice)."""
    return {"statements": len(statements.statements_refresh_current())}
