"""Thin Celery wrapper of the ingestion job (routed to the `ingest` queue by name)."""

from celery import shared_task
from django.conf import settings

from apps.catalog.ingest.services import dataset_ingest_run, dataset_ingest_sweep


@shared_task(
    name="catalog.ingest.run",
    acks_late=True,
    time_limit=settings.CATALOG_INGEST_TIME_LIMIT,
    soft_time_limit=max(settings.CATALOG_INGEST_TIME_LIMIT - 30, 1),
)
def dataset_ingest(upload_id: int) -> None:
    dataset_ingest_run(upload_id=upload_id)


@shared_task(name="catalog.ingest.sweep")
def dataset_ingest_sweeper() -> list[int]:
    return dataset_ingest_sweep()
