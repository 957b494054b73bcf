from django.urls import path

from apps.core.api.routers import Router
from apps.delivery.api import export_views, sandbox_views, statement_views, views

router = Router()
router.register("statements", statement_views.StatementViewSet, basename="statement")

urlpatterns = [
    path("grants/<id:pk>/records/", views.RecordsView.as_view(), name="grant-records"),
    path(
        "grants/<id:pk>/sandbox/queries/",
        sandbox_views.SandboxQueriesView.as_view(),
        name="grant-sandbox-queries",
    ),
    path("grants/<id:pk>/exports/", export_views.ExportListView.as_view(), name="grant-exports"),
    path(
        "grants/<id:pk>/exports/<id:eid>/",
        export_views.ExportDetailView.as_view(),
        name="grant-export-detail",
    ),
    path(
        "grants/<id:pk>/exports/<id:eid>/download/",
        export_views.ExportDownloadView.as_view(),
        name="grant-export-download",
    ),
    path("grants/<id:pk>/usage/", statement_views.GrantUsageView.as_view(), name="grant-usage"),
    *router.urls,
]
