"""Choices of delivery: anomaly alerts (apps.delivery.alerts), bulk export formats and
the life of an export, the states of a monthly statement and of an agreement's revenue."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AlertRule(models.TextChoices):
    VOLUME = "volume", _("Volume far above the grant's baseline")
    OFF_HOURS = "off_hours", _("Access outside the permitted hours")
    DENIAL_BURST = "denial_burst", _("Burst of denied requests")
    NEW_NETWORK = "new_network", _("Key used from a new network")
    EXPORT_SPIKE = "export_spike", _("Export volume spike")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


ALERT_TRANSITIONS: dict[str, set[str]] = {
    AlertStatus.OPEN: {AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED},
    AlertStatus.ACKNOWLEDGED: {AlertStatus.RESOLVED},
    AlertStatus.RESOLVED: set(),
}


class AlertAction(models.TextChoices):
    """What a rule does by itself when it fires (ALERTS_ACTIONS), and what was done."""

    NONE = "none", _("None")
    KEY_SUSPENDED = "key_suspended", _("Key suspended")
    GRANT_SUSPENDED = "grant_suspended", _("Grant suspended")


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


class StatementStatus(models.TextChoices):
    # The current month, recomputed on demand and by beat until the month is closed.
    PROVISIONAL = "provisional", _("Provisional")
    # A closed month, written by the monthly beat run; provisional runs leave it alone.
    FINAL = "final", _("Final")


# An agreement's revenue against its max_revenue (apps.delivery.revenue).
class RevenueLevel(models.TextChoices):
    UNCAPPED = "uncapped", _("No revenue cap")
    OK = "ok", _("Below the warning threshold")
    WARNING = "warning", _("Near the revenue cap")
    REACHED = "reached", _("Revenue cap reached")
