"""Metering of the record API: one row per served request (keyed by its request id, so a
retry of the same write cannot count twice) and the day's totals per grant, both written
in the request's transaction. Redis holds only the fast counters, rebuilt from here."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.grants.models import Grant


class UsageDay(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    calls = models.PositiveBigIntegerField(_("calls"), default=0)
    rows = models.PositiveBigIntegerField(_("rows"), default=0)
    bytes = models.PositiveBigIntegerField(_("bytes"), default=0)

    class Meta:
        ordering = ["-day", "grant_id"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "day"], name="delivery_usage_day_once")
        ]
        # Statements (a month of every grant) and the volume rule (today's rows) read by day.
        indexes = [models.Index(fields=["day"], name="delivery_usage_day_idx")]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.day}"


class UsageEvent(models.Model):
    request_id = models.CharField(max_length=64)
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    rows = models.PositiveIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        # A constraint, not `unique=True`: the same unique index, without the pattern-ops
        # index PostgreSQL gets for a unique CharField, which no query uses and every page
        # paid a write for.
        constraints = [
            models.UniqueConstraint(fields=["request_id"], name="delivery_usage_event_once")
        ]

    def __str__(self) -> str:
        return self.request_id
