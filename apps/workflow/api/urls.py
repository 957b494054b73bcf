from apps.core.api.routers import Router
from apps.workflow.api import views

router = Router()
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
