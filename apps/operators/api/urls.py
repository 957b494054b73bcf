from rest_framework.routers import SimpleRouter

from apps.operators.api import views

router = SimpleRouter()
router.register("profiles", views.ProfileViewSet, basename="operator-profile")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("reports", views.ReportViewSet, basename="annual-report")

urlpatterns = router.urls
