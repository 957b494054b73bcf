from django.urls import path

from apps.console import registration_views, views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("organizations/", views.organizations, name="organizations"),
]

urlpatterns += [
    path("registrations/", registration_views.queue, name="registrations"),
    path("registrations/<int:pk>/", registration_views.review, name="registration_review"),
    path(
        "registrations/<int:pk>/<str:decision>/",
        registration_views.decide,
        name="registration_decide",
    ),
]
