from apps.core.api.routers import Router
from apps.operators.api import agreement_views

router = Router()
router.register("agreements", agreement_views.DisclosureViewSet, basename="disclosure-agreement")

urlpatterns = router.urls
