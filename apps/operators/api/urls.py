from apps.core.api.routers import Router
from apps.operators.api import agreement_views, views

router = Router()
router.register("profiles", views.ProfileViewSet, basename="operator-profile")
router.register("agreements", agreement_views.AgreementViewSet, basename="agreement")
router.register("reports", views.ReportViewSet, basename="annual-report")

urlpatterns = router.urls
