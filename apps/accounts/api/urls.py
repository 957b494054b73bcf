from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.accounts.api import views

router = SimpleRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("api-keys", views.ApiKeyViewSet, basename="api-key")

urlpatterns = [path("me/", views.MeView.as_view(), name="me"), *router.urls]
