"""Grants: what an approved application may read, frozen when it is issued, and the API
keys bound to it."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import ApiKey, Organization
from apps.grants.choices import GrantStatus, SuspendedBy
from apps.grants.models.routing import PolicyQuerySet
from apps.products.models import DataProduct

User = settings.AUTH_USER_MODEL


class Grant(models.Model):
    """`scope` is frozen at issue: {"sources": [{"resource", "dataset_version",
    "fields": [{"name", "masking"}], "row_filter": [...]}], "delivery_modes", "use_type",
    "pricing_model", "price", "terms_version", "scenario"}. A renewal or amendment is a
    new row (`version` + 1, `previous`); the old one is superseded when it is issued."""

    number = models.CharField(_("grant number"), max_length=40, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    application = models.OneToOneField(
        "grants.AccessApplication", on_delete=models.PROTECT, related_name="grant"
    )
    merchant = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="grants", verbose_name=_("merchant")
    )
    product = models.ForeignKey(
        DataProduct, on_delete=models.PROTECT, related_name="grants", verbose_name=_("product")
    )
    scope = models.JSONField(_("scope"), default=dict)
    calls_per_day = models.PositiveIntegerField(_("calls per day"), null=True, blank=True)
    rows_per_day = models.PositiveBigIntegerField(_("rows per day"), null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"))
    starts_at = models.DateTimeField(_("valid from"))
    ends_at = models.DateTimeField(_("valid until"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=GrantStatus.choices,
        default=GrantStatus.ACTIVE,
        db_index=True,
    )
    suspended_by = models.CharField(
        _("suspended by"), max_length=10, choices=SuspendedBy.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = GenericRelation("workflow.StatusHistory")

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="grants_number_version"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="grants_term"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"

    @property
    def operator_id(self) -> int:
        return self.product.operator_id

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for source in self.scope.get("sources", []) for f in source["fields"]]


class GrantKey(models.Model):
    """An API key bound to a grant: it reads that grant's data and nothing else. A key is
    bound to one grant at a time; a new version of the grant takes its keys over."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="keys")
    api_key = models.OneToOneField(ApiKey, on_delete=models.CASCADE, related_name="grant_binding")
    bound_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    bound_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("bound API key")
        verbose_name_plural = _("bound API keys")

    def __str__(self) -> str:
        return f"{self.api_key_id} → {self.grant_id}"
