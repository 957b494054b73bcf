"""Anonymous machine-readable catalog: DCAT-AP files and the CKAN-compatible action API.

Mounted at the site root (before the portal's `catalog/` pages) so CKAN clients find
`/api/3/action/...` and `/api/action/...` where they expect them.
"""

from django.urls import path

from apps.catalog import ckan_views, dcat_views

app_name = "public_catalog"

urlpatterns = [
    path("catalog/dcat.ttl", dcat_views.dcat_turtle, name="dcat-turtle"),
    path("catalog/dcat.jsonld", dcat_views.dcat_jsonld, name="dcat-jsonld"),
    path("catalog/dcat", dcat_views.dcat_negotiated, name="dcat"),
    path("api/3/action/<str:action>", ckan_views.action, name="ckan-action-v3"),
    path("api/action/<str:action>", ckan_views.action, name="ckan-action"),
]
