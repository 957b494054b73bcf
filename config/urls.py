from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from apps.core import views as core_views
from apps.portal import home_views

# The record API first: it is the address read most, and Django tries these in order.
api_v1 = [
    path("", include("apps.delivery.api.urls")),
    path("", include("apps.accounts.api.urls")),
    path("catalog/", include("apps.catalog.api.urls")),
    path("catalog/", include("apps.catalog.api.search_urls")),
    path("catalog/", include("apps.catalog.api.ingest_urls")),
    path("operators/", include("apps.operators.api.urls")),
    path("disclosure/", include("apps.operators.api.disclosure_urls")),
    path("products/", include("apps.products.api.urls")),
    path("disclosure/", include("apps.products.api.disclosure_urls")),
    path("", include("apps.grants.api.urls")),
    path("", include("apps.audit.api.urls")),
    path("", include("apps.workflow.api.urls")),
    path("webhooks/", include("apps.webhooks.api.urls")),
]

urlpatterns = [
    # The API first (no web address starts with api/): each request walks this list.
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.catalog.public_urls")),
    path("portal/", include("apps.portal.urls")),
    path("catalog/", include("apps.portal.catalog_urls")),
    path("console/", include("apps.console.urls")),
    path("disclosure/", include("apps.portal.disclosure_urls")),
    path("products/", include("apps.portal.marketplace_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        core_views.api_docs(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="api_docs/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        core_views.api_docs(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api_docs/redoc.html")
        ),
        name="api-redoc",
    ),
    path("api/redoc/redoc.standalone.js", core_views.redoc_bundle, name="api-redoc-bundle"),
    path(settings.ADMIN_URL, admin.site.urls),
    # Last: any other /api/ address is a JSON 404 with a code (slash_missing or not_found).
    re_path(r"^api/", core_views.api_not_found, name="api-not-found"),
]

handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
handler403 = "apps.core.views.permission_denied"
handler400 = "apps.core.views.bad_request"
