from django.urls import path

from apps.console import audit_views, views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("organizations/", views.organizations, name="organizations"),
    path("audit/", audit_views.events, name="audit_events"),
    path("audit/verify/", audit_views.verify, name="audit_verify"),
]
