from rest_framework.routers import SimpleRouter

from apps.operators.api import views

router = SimpleRouter()
router.register("agreements", views.DisclosureViewSet, basename="disclosure-agreement")

urlpatterns = router.urls
