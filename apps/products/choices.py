"""Vocabularies of data products and their transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    LISTED = "listed", _("Listed")
    SUSPENDED = "suspended", _("Suspended")
    DELISTED = "delisted", _("Delisted")


P = ProductStatus

# Review returns a product to draft (with a reason), and so does the operator's withdrawal.
# SUSPENDED is reached only through the agreement/operator cascade and left only by
# lifting that suspension (or for good, by delisting).
PRODUCT_TRANSITIONS: dict[str, set[str]] = {
    P.DRAFT: {P.IN_REVIEW},
    P.IN_REVIEW: {P.LISTED, P.DRAFT},
    P.LISTED: {P.SUSPENDED, P.DELISTED},
    P.SUSPENDED: {P.LISTED, P.DELISTED},
    P.DELISTED: set(),
}
EDITABLE = {P.DRAFT}


class DeliveryMode(models.TextChoices):
    API_PULL = "api_pull", _("API pull")
    BULK_EXPORT = "bulk_export", _("Bulk export")
    SANDBOX_ONLY = "sandbox_only", _("Sandbox queries (aggregates only)")


class UseType(models.TextChoices):
    PUBLIC_WELFARE = "public_welfare", _("Public welfare (free)")
    INDUSTRIAL = "industrial", _("Industrial (charged)")


class PricingModel(models.TextChoices):
    FREE = "free", _("Free")
    PER_CALL = "per_call", _("Per call")
    PER_1000_ROWS = "per_1000_rows", _("Per 1,000 rows")
    SUBSCRIPTION = "subscription", _("Subscription")


CHARGED = {PricingModel.PER_CALL, PricingModel.PER_1000_ROWS, PricingModel.SUBSCRIPTION}


class FilterOp(models.TextChoices):
    EQ = "eq", _("equals")
    NE = "ne", _("does not equal")
    IN = "in", _("is one of")
    RANGE = "range", _("between")
    PREFIX = "prefix", _("starts with")
