from celery import shared_task

from apps.operators import timers


@shared_task(name="operators.timers")
def operator_timers() -> dict:
    """Beat: close agreement notices, expire agreements, send reminders, flag re-reviews."""
    return timers.run()
