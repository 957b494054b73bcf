"""The supervision dashboard's figures, computed ahead of the page (apps.console.figures)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSnapshot(models.Model):
    """One row per day: the figures as they stood at `computed_at`. The beat task
    rewrites today's row through the day, so the page reads one row and earlier rows
    keep the daily series."""

    day = models.DateField(_("day"), unique=True)
    computed_at = models.DateTimeField(_("computed at"))
    figures = models.JSONField(_("figures"), default=dict)
    seconds = models.FloatField(_("seconds taken"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")

    def __str__(self) -> str:
        return f"{self.day} ({self.computed_at:%H:%M})"
