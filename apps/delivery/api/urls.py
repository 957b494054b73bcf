from django.urls import path

from apps.delivery.api import views

urlpatterns = [
    path("grants/<int:pk>/records/", views.RecordsView.as_view(), name="grant-records"),
]
