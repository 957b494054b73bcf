from django.urls import path

from apps.portal import ingest_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("resources/<int:pk>/upload/", ingest_views.upload, name="resource_upload"),
    path("resources/<int:pk>/preview/", ingest_views.preview, name="resource_preview"),
    path("uploads/<int:pk>/", ingest_views.upload_status, name="upload_status"),
]
