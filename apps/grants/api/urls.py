from apps.core.api.routers import Router
from apps.grants.api import grant_views, views

router = Router()
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("reviews", views.ReviewQueueViewSet, basename="review")
router.register("grants", grant_views.GrantViewSet, basename="grant")

urlpatterns = router.urls
