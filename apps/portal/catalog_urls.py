from django.urls import path

from apps.portal import catalog_views

app_name = "catalog"

urlpatterns = [
    path("", catalog_views.resource_list, name="list"),
    path("<id:pk>/", catalog_views.resource_detail, name="detail"),
]
