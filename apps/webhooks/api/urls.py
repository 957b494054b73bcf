from django.urls import path

from apps.core.api.routers import Router
from apps.webhooks.api import views

router = Router()
router.register("endpoints", views.EndpointViewSet, basename="webhook-endpoint")
router.register("deliveries", views.DeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    path("event-types/", views.EventTypeList.as_view(), name="webhook-event-types"),
    *router.urls,
]
