from rest_framework.routers import SimpleRouter

from apps.products.api import views

router = SimpleRouter()
router.register("", views.ProductViewSet, basename="product")

urlpatterns = router.urls
