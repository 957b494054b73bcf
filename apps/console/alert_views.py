"""Regulator console: the anomaly alerts (apps.delivery.alerts.pages), filtered and
paged, one alert with its evidence and audit events, acknowledge, resolve and lift."""

from django.views.decorators.http import require_POST

from apps.console.exports import list_export
from apps.console.views import regulator_required
from apps.delivery.alerts import pages

NS = "console"


@regulator_required
def alert_list(request):
    return pages.alert_list_page(request, NS, export=list_export)


@regulator_required
def alert_detail(request, pk: int):
    return pages.alert_page(request, pk, NS)


@require_POST
@regulator_required
def alert_action(request, pk: int, action: str):
    return pages.alert_action(request, pk, action, NS)
