"""Data products: what an operator offers from the resources one of its agreements
authorizes. Their history, review steps and audit live in apps.workflow."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.catalog.models import DataResource, DatasetVersion
from apps.core.permissions import VIEW
from apps.operators.models import AuthorizationAgreement
from apps.products.choices import PricingModel, ProductStatus, UseType
from apps.workflow import policy

User = settings.AUTH_USER_MODEL


class ProductQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        """What `user` may do, by the rules in apps.products.rules."""
        return policy.restrict(self, user, action)

    def listed(self):
        return self.filter(status=ProductStatus.LISTED)


class DataProduct(models.Model):
    operator = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="products", verbose_name=_("operator")
    )
    agreement = models.ForeignKey(
        AuthorizationAgreement,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("authorization agreement"),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    delivery_modes = models.JSONField(_("delivery modes"), default=list)
    scenarios = models.JSONField(_("application scenarios"), default=list)
    use_type = models.CharField(_("use type"), max_length=20, choices=UseType.choices)
    pricing_model = models.CharField(
        _("pricing"), max_length=20, choices=PricingModel.choices, default=PricingModel.FREE
    )
    price = models.DecimalField(
        _("price (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    max_rows_per_day = models.PositiveBigIntegerField(_("rows per day"), null=True, blank=True)
    max_calls_per_day = models.PositiveIntegerField(_("calls per day"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProductStatus.choices,
        default=ProductStatus.DRAFT,
        db_index=True,
    )
    return_reason = models.TextField(_("returned because"), blank=True)
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = GenericRelation("workflow.StatusHistory")

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("data product")
        verbose_name_plural = _("data products")
        constraints = [
            # Public-welfare use is free: the database refuses anything else.
            models.CheckConstraint(
                condition=~Q(use_type="public_welfare") | Q(pricing_model="free", price=0),
                name="products_public_welfare_free",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="products_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_terms(self):
        return self.terms.order_by("-version").first()


class ProductSource(models.Model):
    """One source resource: its exposed fields with their masking, and its row filter.

    `fields`: [{"name": ..., "masking": <MaskingRule>}]; `row_filter`: [{"field", "op",
    "value"}] (structured conditions, compiled by the data plane; never SQL text).
    """

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="sources")
    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT, related_name="+")
    # None: the resource's current dataset version at the time of each read.
    pinned_version = models.ForeignKey(
        DatasetVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fields = models.JSONField(default=list)
    row_filter = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "resource"], name="products_source_once")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ← {self.resource_id}"

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]


class ProductTerms(models.Model):
    """Terms of use, one row per version; applications accept a version."""

    product = models.ForeignKey(DataProduct, on_delete=models.CASCADE, related_name="terms")
    version = models.PositiveIntegerField()
    text = models.TextField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product", "-version"]
        verbose_name = _("product terms")
        verbose_name_plural = _("product terms")
        constraints = [
            models.UniqueConstraint(fields=["product", "version"], name="products_terms_version")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} terms v{self.version}"
