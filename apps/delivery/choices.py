"""Vocabularies of delivery: the states of a monthly statement."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
