from apps.core.api.routers import Router
from apps.products.api import views

router = Router()
router.register("", views.ProductViewSet, basename="product")

urlpatterns = router.urls
