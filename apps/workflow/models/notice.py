"""Public notice of an object and the objections lodged during it."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeOutcome(models.TextChoices):
    OPEN = "", _("Open")
    PASSED = "passed", _("Ended without objection")
    OBJECTED = "objected", _("Objection lodged")
    CANCELLED = "cancelled", _("Cancelled")


class Notice(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=NoticeOutcome.choices, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        indexes = [
            models.Index(fields=["content_type", "object_id", "id"], name="workflow_notice_object"),
            models.Index(
                fields=["content_type", "ends_at"],
                condition=Q(closed_at__isnull=True),
                name="workflow_notice_open_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(closed_at__isnull=True),
                name="workflow_one_open_notice",
            )
        ]

    def __str__(self) -> str:
        return f"notice of {self.content_type_id}:{self.object_id} until {self.ends_at:%Y-%m-%d}"


class Objection(models.Model):
    """Lodged during a notice by a member of an organization; resolved by the reviewer."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"objection {self.pk} to notice {self.notice_id} by {self.organization_id}"
