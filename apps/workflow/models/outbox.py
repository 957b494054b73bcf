"""The outbox: every piece of asynchronous work is a row, written in the transaction of
the change that causes it. Celery messages only nudge; this table is the truth."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("job status", "Pending")  # queued, not a decision
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def default_max_attempts() -> int:
    return settings.OUTBOX_MAX_ATTEMPTS


class OutboxItem(models.Model):
    topic = models.CharField(_("topic"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # The object the work is about (optional), for the admin and the audit trail.
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    # The same work is queued once: (topic, key) is unique when a key is given.
    key = models.CharField(_("dedupe key"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("max attempts"), default=default_max_attempts)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    leased_by = models.CharField(_("leased by"), max_length=120, blank=True)
    last_nudged_at = models.DateTimeField(_("last nudged at"), null=True, blank=True)
    nudge_count = models.PositiveIntegerField(_("nudges"), default=0)
    # Generic job fields: long jobs report progress (0..1) and may leave a result.
    progress = models.FloatField(_("progress"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox items")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "key"], condition=~Q(key=""), name="outbox_key_once"
            )
        ]
        indexes = [
            # The sweeper's scan: only unfinished rows.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["pending", "running"]),
                name="outbox_unfinished",
            ),
            models.Index(fields=["target_type", "target_id"], name="outbox_target"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk} ({self.status})"
