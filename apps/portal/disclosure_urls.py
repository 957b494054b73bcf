from django.urls import path

from apps.portal import operator_views

urlpatterns = [
    path("", operator_views.disclosure, name="disclosure"),
    path("notices/<id:pk>/", operator_views.agreement_notice, name="agreement_notice"),
]
