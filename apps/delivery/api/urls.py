from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.delivery.api import statement_views, views

router = SimpleRouter()
router.register("statements", statement_views.StatementViewSet, basename="statement")

urlpatterns = [
    path("grants/<int:pk>/records/", views.RecordsView.as_view(), name="grant-records"),
    path("grants/<int:pk>/usage/", statement_views.GrantUsageView.as_view(), name="grant-usage"),
    *router.urls,
]
