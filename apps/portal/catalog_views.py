"""The public catalog: anonymous and signed-in visitors browse resource metadata, never data."""

from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from apps.catalog import selectors
from apps.catalog.api.search_serializers import SearchParamsSerializer
from apps.core.exceptions import InvalidInput

PAGE_SIZE = 20
FACET_TITLES = {
    "provider": _("Provider"),
    "theme": _("Theme"),
    "classification": _("Classification"),
    "open_type": _("Open type"),
    "format": _("Format"),
    "update_frequency": _("Update frequency"),
}


def _link(params: QueryDict, **changes) -> str:
    """The current query string with some keys set (or dropped when None), cursor reset."""
    query = params.copy()
    query.pop("cursor", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return "?" + query.urlencode()


@require_GET
def resource_list(request):
    form = SearchParamsSerializer(data=request.GET)
    # Bad filter values are dropped rather than answered with an error page.
    data = form.validated_data if form.is_valid() else {}
    q = data.get("q", "")
    filters = {key: data[key] for key in selectors.FILTERS if key in data}
    queryset = selectors.resource_search(user=request.user, q=q, filters=filters)
    try:
        page, cursor = selectors.resource_search_page(
            queryset=queryset, q=q, cursor=data.get("cursor"), size=PAGE_SIZE
        )
    except InvalidInput:
        page, cursor = selectors.resource_search_page(queryset=queryset, q=q, size=PAGE_SIZE)
    facets = selectors.resource_facets(queryset=queryset)
    groups = []
    for key, entries in facets.items():
        active = str(filters.get(key, ""))
        for entry in entries:
            entry["active"] = entry["value"] == active
            entry["url"] = _link(request.GET, **{key: None if entry["active"] else entry["value"]})
        groups.append(
            {
                "title": FACET_TITLES[key],
                "entries": entries,
                "clear": _link(request.GET, **{key: None}),
            }
        )
    context = {
        "q": q,
        "page": page,
        "total": queryset.count(),
        "facet_groups": groups,
        "facets_exact": facets.exact,
        "filters": filters,
        "next_url": _link(request.GET, cursor=cursor) if cursor else None,
        "first_url": _link(request.GET) if data.get("cursor") else None,
    }
    return render(request, "portal/catalog/list.html", context)


@require_GET
def resource_detail(request, pk: int):
    resource = selectors.resource_detail(user=request.user, pk=pk)
    return render(request, "portal/catalog/detail.html", {"resource": resource})
