from django.urls import path

from apps.core.throttling import public_page as public
from apps.portal import marketplace_views

app_name = "marketplace"

urlpatterns = [
    path("", public(marketplace_views.marketplace), name="list"),
    path("<id:pk>/", public(marketplace_views.product_page), name="detail"),
]
