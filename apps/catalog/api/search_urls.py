from django.urls import path

from apps.catalog.api.search_views import CatalogSearchView

urlpatterns = [path("search/", CatalogSearchView.as_view(), name="catalog-search")]
