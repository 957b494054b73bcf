from apps.core.api.routers import Router
from apps.products.api import views

router = Router()
router.register("products", views.DisclosedProductViewSet, basename="disclosure-product")

urlpatterns = router.urls
