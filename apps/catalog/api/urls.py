from rest_framework.routers import SimpleRouter

from apps.catalog.api import views

router = SimpleRouter()
router.register("resources", views.ResourceViewSet, basename="resource")

urlpatterns = router.urls
