from django.urls import path

from apps.core.throttling import public_page as public
from apps.portal import operator_views

urlpatterns = [
    path("", public(operator_views.disclosure), name="disclosure"),
    path("notices/<id:pk>/", public(operator_views.agreement_notice), name="agreement_notice"),
]
