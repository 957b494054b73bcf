from rest_framework.routers import SimpleRouter

from apps.operators.api import agreement_views

router = SimpleRouter()
router.register("agreements", agreement_views.DisclosureViewSet, basename="disclosure-agreement")

urlpatterns = router.urls
