from django.urls import path

from apps.core.throttling import page_429, rate_limited
from apps.portal import marketplace_views

app_name = "marketplace"

# Public pages doing the API's work (the catalog search with its facets, lists of
# agreements and products) count against its per-address (per-user) budgets.
public = rate_limited(page_429)

urlpatterns = [
    path("", public(marketplace_views.marketplace), name="list"),
    path("<id:pk>/", public(marketplace_views.product_page), name="detail"),
]
