"""Reads of apps.products, scoped to what the user may see."""

import json

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

from apps.accounts.models import User
from apps.core.permissions import VIEW
from apps.products.choices import ProductStatus as P
from apps.products.models import DataProduct, ProductSource, ProductTerms
from apps.workflow import policy
from apps.workflow.history import history_for
from apps.workflow.review import steps_for

_SOURCES = Prefetch(
    "sources",
    queryset=ProductSource.objects.select_related("resource", "pinned_version").prefetch_related(
        "resource__themes"
    ),
)
_TERMS = Prefetch("terms", queryset=ProductTerms.objects.order_by("-version"))
# Filters of the marketplace and the API list (values validated by the caller).
FILTERS = ("operator", "scenario", "delivery_mode", "use_type", "pricing_model", "theme",
           "classification", "status")  # fmt: skip


def _has(queryset: QuerySet, field: str, value: str) -> QuerySet:
    """Rows whose JSON list holds `value`: containment on PostgreSQL; the embedded SQLite
    has none, so there the encoded item is looked for in the stored text."""
    if connection.vendor == "postgresql":
        return queryset.filter(**{f"{field}__contains": [value]})
    text = f"{field}_text"
    return queryset.alias(**{text: Cast(field, TextField())}).filter(
        **{f"{text}__contains": json.dumps(value)}
    )


def _filtered(queryset: QuerySet, q: str, filters: dict) -> QuerySet:
    if q:
        queryset = queryset.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(description__icontains=q)
            | Q(description_en__icontains=q)
        )
    if "operator" in filters:
        queryset = queryset.filter(operator_id=filters["operator"])
    if "scenario" in filters:
        queryset = _has(queryset, "scenarios", filters["scenario"])
    if "delivery_mode" in filters:
        queryset = _has(queryset, "delivery_modes", filters["delivery_mode"])
    for key in ("use_type", "pricing_model", "status"):
        if key in filters:
            queryset = queryset.filter(**{key: filters[key]})
    if "theme" in filters:
        queryset = queryset.filter(
            pk__in=ProductSource.objects.filter(resource__themes__code=filters["theme"]).values(
                "product_id"
            )
        )
    if "classification" in filters:
        queryset = queryset.filter(
            pk__in=ProductSource.objects.filter(
                resource__classification=filters["classification"]
            ).values("product_id")
        )
    return queryset


def product_list(*, user: User, q: str = "", filters: dict | None = None, mine=False) -> QuerySet:
    """Every product `user` may see: the own ones, all for the regulator, listed ones
    for everyone."""
    queryset = DataProduct.objects.restrict(user, VIEW)
    if mine:
        queryset = queryset.filter(operator_id=getattr(user, "organization_id", None) or 0)
    queryset = _filtered(queryset, q, filters or {})
    return queryset.select_related("operator", "agreement").prefetch_related(_SOURCES, _TERMS)


def marketplace(*, q: str = "", filters: dict | None = None) -> QuerySet:
    """Public: listed products only, whoever asks."""
    filters = {k: v for k, v in (filters or {}).items() if k != "status"}
    return (
        _filtered(DataProduct.objects.listed(), q, filters)
        .select_related("operator", "agreement")
        .prefetch_related(_SOURCES, _TERMS)
    )


def product_review_queue(*, user: User) -> QuerySet:
    return product_list(user=user).filter(status=P.IN_REVIEW).order_by("updated_at")


def disclosed_products(*, operator_id: int | None = None) -> QuerySet:
    """Public disclosure: listed products with their prices."""
    queryset = marketplace()
    if operator_id is not None:
        queryset = queryset.filter(operator_id=operator_id)
    return queryset.order_by("operator__name", "name", "id")


def product_history(*, user: User, product: DataProduct) -> list:
    """Parties read the review correspondence; others the moves."""
    return policy.visible_history(user, product, history_for(product))


def product_terms(*, product: DataProduct) -> QuerySet:
    return ProductTerms.objects.filter(product=product).order_by("-version")


def product_sources(*, product: DataProduct) -> QuerySet:
    return product.sources.select_related("resource", "pinned_version")


def product_detail(*, user: User, product: DataProduct) -> dict:
    """What a product's page shows `user`, in the portal and the console alike."""
    return {
        "product": product,
        "sources": product_sources(product=product),
        "terms": product_terms(product=product),
        "history": product_history(user=user, product=product),
        "steps": steps_for(product),
    }


def effective_agreements(*, user: User) -> QuerySet:
    """The caller's own agreements a new product may be built under."""
    from apps.operators.choices import AgreementStatus
    from apps.operators.models import AuthorizationAgreement

    return AuthorizationAgreement.objects.filter(
        operator_id=getattr(user, "organization_id", None) or 0, status=AgreementStatus.EFFECTIVE
    ).prefetch_related("scope__resource__fields")
