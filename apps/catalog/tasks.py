"""Celery tasks of the catalog (autodiscovered from this module). Ingestion runs through
the outbox (`workflow.outbox.run`, topic `catalog.ingest`, on the `ingest` queue)."""

from celery import shared_task

from apps.catalog import timers

__all__ = ["registration_timers"]


@shared_task(name="catalog.registration_timers")
def registration_timers() -> dict:
    """Beat: close public notices, expire registrations, send expiry reminders."""
    return timers.run()
