from celery import shared_task

from apps.grants import timers


@shared_task(name="grants.timers")
def grant_timers() -> dict:
    """Beat: step reminders, escalation of overdue steps, expiry of grants."""
    return timers.run()
