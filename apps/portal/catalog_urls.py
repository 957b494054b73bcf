from django.urls import path

from apps.core.throttling import page_429, rate_limited
from apps.portal import catalog_views

app_name = "catalog"

# Public pages doing the API's work (the catalog search with its facets, lists of
# agreements and products) count against its per-address (per-user) budgets.
public = rate_limited(page_429)

urlpatterns = [
    path("", public(catalog_views.resource_list), name="list"),
    path("<id:pk>/", public(catalog_views.resource_detail), name="detail"),
]
