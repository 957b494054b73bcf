from django.urls import path

from apps.core.throttling import page_429, rate_limited
from apps.portal import operator_views

# Public pages doing the API's work (the catalog search with its facets, lists of
# agreements and products) count against its per-address (per-user) budgets.
public = rate_limited(page_429)

urlpatterns = [
    path("", public(operator_views.disclosure), name="disclosure"),
    path("notices/<id:pk>/", public(operator_views.agreement_notice), name="agreement_notice"),
]
