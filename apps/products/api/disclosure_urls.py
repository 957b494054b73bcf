from rest_framework.routers import SimpleRouter

from apps.products.api import views

router = SimpleRouter()
router.register("products", views.DisclosedProductViewSet, basename="disclosure-product")

urlpatterns = router.urls
