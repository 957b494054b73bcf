from django.urls import path

from apps.delivery.api import sandbox_views, views

urlpatterns = [
    path("grants/<int:pk>/records/", views.RecordsView.as_view(), name="grant-records"),
    path(
        "grants/<int:pk>/sandbox/queries/",
        sandbox_views.SandboxQueriesView.as_view(),
        name="grant-sandbox-queries",
    ),
]
