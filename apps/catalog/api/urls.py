from apps.catalog.api import views
from apps.core.api.routers import Router

router = Router()
router.register("resources", views.ResourceViewSet, basename="resource")

urlpatterns = router.urls
