"""Portal: the anomaly alerts on an operator's products (read, and acknowledged by its
admins and reviewers); the pages are apps.delivery.alerts.pages."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

from apps.delivery.alerts import pages

NS = "portal"


@login_required
def alert_list(request):
    return pages.alert_list_page(request, NS)


@login_required
def alert_detail(request, pk: int):
    return pages.alert_page(request, pk, NS)


@require_POST
@login_required
def alert_action(request, pk: int, action: str):
    return pages.alert_action(request, pk, action, NS)
