from django.urls import path

from apps.portal import marketplace_views

app_name = "marketplace"

urlpatterns = [
    path("", marketplace_views.marketplace, name="list"),
    path("<id:pk>/", marketplace_views.product_page, name="detail"),
]
