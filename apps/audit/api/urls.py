from django.urls import path

from apps.audit.api import views
from apps.core.api.routers import Router

router = Router()
router.register("audit/events", views.AuditEventViewSet, basename="audit-event")
router.register("audit/checkpoints", views.CheckpointViewSet, basename="audit-checkpoint")

urlpatterns = [
    path("audit/public-key/", views.PublicKeyView.as_view(), name="audit-public-key"),
    *router.urls,
]
