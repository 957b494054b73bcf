"""The history of a grant's sandbox queries: every query sent, accepted or refused, with
its refusal code and what it released (counts only: never result data)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import ApiKey
from apps.catalog.models import DatasetVersion
from apps.grants.models import Grant


class SandboxDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class SandboxQuery(models.Model):
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, related_name="+", verbose_name=_("grant")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    api_key = models.ForeignKey(
        ApiKey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API key"),
    )
    # The data the query ran on (None: refused before a version was read).
    dataset_version = models.ForeignKey(
        DatasetVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sql = models.TextField(_("SQL"))
    decision = models.CharField(_("decision"), max_length=10, choices=SandboxDecision.choices)
    refusal_code = models.CharField(_("refusal code"), max_length=64, blank=True, default="")
    refusal_message = models.CharField(_("refusal message"), max_length=500, blank=True, default="")
    rows_released = models.PositiveIntegerField(_("rows released"), default=0)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    # The sizes of the row sets an accepted query released (its kept rows, the union of its
    # groups of at least k rows, each such group): an earlier query further back than
    # SANDBOX_DIFFERENCING_HISTORY is compared again when one of them is near a new one's.
    set_sizes = models.JSONField(_("released set sizes"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("sandbox query")
        verbose_name_plural = _("sandbox queries")
        indexes = [
            models.Index(fields=["grant", "-id"], name="delivery_sandbox_grant"),
            # A day's refusals of a grant (apps.delivery.sandbox.require_refusals_left).
            models.Index(
                fields=["grant", "created_at"],
                condition=models.Q(decision="refused"),
                name="delivery_sandbox_refused",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant_id} #{self.pk} {self.decision}"
