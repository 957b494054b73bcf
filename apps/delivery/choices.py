"""Choices of delivery: bulk export formats and the life of an export."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    JSONL = "jsonl", _("JSON Lines")
    PARQUET = "parquet", _("Parquet")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")


EXPORT_OPEN = (ExportStatus.PENDING, ExportStatus.RUNNING)
EXPORT_SUFFIX = {
    ExportFormat.CSV: "csv",
    ExportFormat.JSONL: "jsonl",
    ExportFormat.PARQUET: "parquet",
}
EXPORT_MEDIA_TYPE = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.JSONL: "application/x-ndjson",
    ExportFormat.PARQUET: "application/vnd.apache.parquet",
}
