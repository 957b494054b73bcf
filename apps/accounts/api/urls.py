from django.urls import path

from apps.accounts.api import views
from apps.core.api.routers import Router

router = Router()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("api-keys", views.ApiKeyViewSet, basename="api-key")

urlpatterns = [path("me/", views.MeView.as_view(), name="me"), *router.urls]
