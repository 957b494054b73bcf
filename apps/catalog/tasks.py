"""Celery tasks of the catalog (autodiscovered from this module)."""

from apps.catalog.ingest.tasks import dataset_ingest

__all__ = ["dataset_ingest"]
