"""Celery tasks of the catalog (autodiscovered from this module)."""

from celery import shared_task

from apps.catalog import timers
from apps.catalog.ingest.tasks import dataset_ingest, dataset_ingest_sweeper

__all__ = ["dataset_ingest", "dataset_ingest_sweeper", "registration_timers"]


@shared_task(name="catalog.registration_timers")
def registration_timers() -> dict:
    """Beat: close public notices, expire registrations, send expiry reminders."""
    return timers.run()
