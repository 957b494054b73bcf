from celery import shared_task

from apps.catalog import timers


@shared_task(name="catalog.registration_timers")
def registration_timers() -> dict:
    """Beat: close public notices, expire registrations, send expiry reminders."""
    return timers.run()
