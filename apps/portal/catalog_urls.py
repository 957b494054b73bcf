from django.urls import path

from apps.core.throttling import public_page as public
from apps.portal import catalog_views

app_name = "catalog"

urlpatterns = [
    path("", public(catalog_views.resource_list), name="list"),
    path("<id:pk>/", public(catalog_views.resource_detail), name="detail"),
]
