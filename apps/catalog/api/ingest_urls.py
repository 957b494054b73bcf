from django.urls import path

from apps.catalog.api import ingest_views as views

urlpatterns = [
    path(
        "resources/<id:pk>/uploads/",
        views.ResourceUploadsView.as_view(),
        name="catalog-resource-uploads",
    ),
    path(
        "resources/<id:pk>/preview/", views.PreviewView.as_view(), name="catalog-resource-preview"
    ),
    path("uploads/<id:pk>/", views.UploadDetailView.as_view(), name="catalog-upload-detail"),
]
