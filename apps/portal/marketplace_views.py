"""The public marketplace: listed data products with search and filters, and a page per
product. No sign-in; the policy shows everyone listed products only (and a party its own)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

from apps.accounts.choices import OrganizationKind
from apps.accounts.models import Organization
from apps.catalog.choices import Classification
from apps.catalog.models import Theme
from apps.core.api.pagination import CursorPagination, InvalidCursor
from apps.core.names import local_name
from apps.portal.catalog_views import _link
from apps.products import selectors
from apps.products.api.serializers import ListParamsSerializer
from apps.products.choices import DeliveryMode, PricingModel, ProductStatus, UseType
from apps.products.models import DataProduct
from apps.workflow.policy import get_object_for

PAGE_SIZE = 20


class _Pages(CursorPagination):
    page_size = PAGE_SIZE
    page_size_query_param = None


def _groups(request, filters: dict) -> list[dict]:
    """Filter links: each value toggles its filter, keeping the others and the search."""
    listed = selectors.marketplace()
    options = {
        "use_type": (_("Use type"), UseType.choices),
        "pricing_model": (_("Pricing"), PricingModel.choices),
        "delivery_mode": (_("Delivery mode"), DeliveryMode.choices),
        "classification": (_("Classification"), Classification.choices),
        "operator": (
            _("Operator"),
            [(str(org.pk), local_name(org)) for org in Organization.objects.filter(
                pk__in=listed.values("operator_id")).only("pk", "name", "name_en")],
        ),
        "theme": (
            _("Theme"),
            [(t.code, local_name(t)) for t in Theme.objects.filter(
                resources__in=listed.values("sources__resource")).distinct()],
        ),
        "scenario": (
            _("Scenario"),
            sorted({(s, s) for row in listed.values_list("scenarios", flat=True) for s in row}),
        ),
    }  # fmt: skip
    groups = []
    for key, (title, choices) in options.items():
        active = str(filters.get(key, ""))
        entries = [
            {
                "label": label,
                "active": str(value) == active,
                "url": _link(request.GET, **{key: None if str(value) == active else value}),
            }
            for value, label in choices
        ]
        groups.append({"title": title, "entries": entries})
    return groups


@require_GET
def marketplace(request):
    params = ListParamsSerializer(data=request.GET)
    # Bad filter values are dropped rather than answered with an error page.
    data = dict(params.validated_data) if params.is_valid() else {}
    q = data.pop("q", "")
    filters = {k: v for k, v in data.items() if k in selectors.FILTERS and k != "status"}
    queryset = selectors.marketplace(q=q, filters=filters)
    paginator = _Pages()
    request.query_params = request.GET  # what DRF's paginator reads
    try:
        page = paginator.paginate_queryset(queryset, request)
    except (InvalidCursor, NotFound):  # a forged cursor: start again from the first page
        request.query_params = request.GET.copy()
        request.query_params.pop("cursor", None)
        page = paginator.paginate_queryset(queryset, request)
    next_link = paginator.get_next_link()
    context = {
        "q": q,
        "page": page,
        "total": queryset.count(),
        "filters": filters,
        "groups": _groups(request, filters),
        "next_url": "?" + next_link.split("?", 1)[1] if next_link else None,
        "first_url": _link(request.GET) if request.GET.get("cursor") else None,
    }
    return render(request, "portal/products/marketplace.html", context)


@require_GET
def product_page(request, pk: int):
    product = get_object_for(request.user, DataProduct, pk)
    context = {
        "product": product,
        "sources": selectors.product_sources(product=product),
        "terms": product.current_terms,
        "listed": product.status == ProductStatus.LISTED,
        "is_merchant": getattr(request.user, "org_kind", None) == OrganizationKind.MERCHANT,
    }
    return render(request, "portal/products/page.html", context)
