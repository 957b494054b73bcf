"""Monthly statements: one per merchant organization, product and calendar month, with a
line per grant (its metered calls, rows and bytes and the amount its frozen pricing
gives, apps.delivery.pricing). Written only by apps.delivery.statements, idempotently:
the unique constraints make a re-run update the same rows."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.core.permissions import VIEW
from apps.delivery.choices import StatementStatus
from apps.grants.models import Grant
from apps.products.choices import PricingModel, UseType
from apps.products.models import DataProduct


class StatementQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        """What `user` may see (apps.delivery.rules)."""
        from apps.workflow import policy

        return policy.restrict(self, user, action)


class Statement(models.Model):
    merchant = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    product = models.ForeignKey(
        DataProduct, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    month = models.DateField(_("month"))  # the first day of the month
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=StatementStatus.choices,
        default=StatementStatus.PROVISIONAL,
    )
    calls = models.PositiveBigIntegerField(_("calls"), default=0)
    rows = models.PositiveBigIntegerField(_("rows"), default=0)
    bytes = models.PositiveBigIntegerField(_("bytes"), default=0)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, default=0)
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "product", "month"], name="delivery_statement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id}/{self.product_id} {self.month:%Y-%m}"


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, related_name="+", verbose_name=_("grant")
    )
    use_type = models.CharField(_("use type"), max_length=20, choices=UseType.choices)
    pricing_model = models.CharField(_("pricing"), max_length=20, choices=PricingModel.choices)
    price = models.DecimalField(_("price (yuan)"), max_digits=14, decimal_places=2, default=0)
    calls = models.PositiveBigIntegerField(_("calls"), default=0)
    rows = models.PositiveBigIntegerField(_("rows"), default=0)
    bytes = models.PositiveBigIntegerField(_("bytes"), default=0)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, default=0)

    class Meta:
        ordering = ["grant_id"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.UniqueConstraint(fields=["statement", "grant"], name="delivery_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.grant_id}"
