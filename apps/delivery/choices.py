"""Choices of delivery's anomaly alerts (apps.delivery.alerts)."""

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
