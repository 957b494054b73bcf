"""Bulk exports: one row per requested file of a grant's data, written by an outbox job
(apps.delivery.exports) under DATA_DIR/exports and downloaded through a signed link bound
to the export and to whoever asked for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import ApiKey
from apps.delivery.choices import ExportFormat, ExportStatus
from apps.grants.models import Grant
from apps.grants.models.routing import PolicyQuerySet


class Export(models.Model):
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, related_name="exports", verbose_name=_("grant")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The key the export was asked with (None: a signed-in person); the download link is
    # bound to the same key or person.
    api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    fields = models.JSONField(_("fields"), default=list)
    resource_id = models.BigIntegerField(_("data source"))
    version_id = models.BigIntegerField(_("dataset version"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.FloatField(_("progress"), default=0.0)
    rows = models.PositiveBigIntegerField(_("rows"), default=0)
    bytes = models.PositiveBigIntegerField(_("bytes"), default=0)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    watermark = models.CharField(_("watermark"), max_length=100, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["grant", "status"], name="delivery_export_open")]

    def __str__(self) -> str:
        return f"export {self.pk} of grant {self.grant_id}"

    @property
    def principal(self) -> str:
        """Whom the file is for: `k<key id>` or `u<user id>`."""
        return f"k{self.api_key_id}" if self.api_key_id else f"u{self.requested_by_id}"

    @property
    def percent(self) -> int:
        return round(self.progress * 100)
