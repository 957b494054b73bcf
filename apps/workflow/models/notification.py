"""In-app notifications (one row per recipient) and each user's e-mail preferences."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.names import english_ui
from apps.core.permissions import VIEW


class NotificationCategory(models.TextChoices):
    REMINDER = "reminder", _("Reminders")
    DECISION = "decision", _("Review decisions")
    REVIEW = "review", _("Work waiting for me")
    ALERT = "alert", _("Alerts")
    JOB = "job", _("Jobs")


class NotificationQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        from apps.workflow import policy

        return policy.restrict(self, user, action)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Written by `apps.workflow.notifications.notify`; read by its recipient only."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    category = models.CharField(_("category"), max_length=20, choices=NotificationCategory.choices)
    verb = models.CharField(_("verb"), max_length=60)  # e.g. catalog.resource.approved
    # In Chinese (the default language), and in English where the writer gave a phrase
    # that translates (apps.workflow.notifications.Phrase); `shown_title`/`shown_body`
    # pick the reader's.
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # Makes `notify` safe to call twice for the same event (timers, retried jobs).
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="workflow_notification_unread",
            ),
            models.Index(fields=["recipient", "-id"], name="workflow_notification_list"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="workflow_notification_once"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        return (english_ui() and self.title_en) or self.title

    @property
    def shown_body(self) -> str:
        return (english_ui() and self.body_en) or self.body


class NotificationPreference(models.Model):
    """E-mail on or off for one category (no row: on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(_("category"), max_length=20, choices=NotificationCategory.choices)
    email = models.BooleanField(_("e-mail"), default=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="workflow_one_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category} e-mail={self.email}"
