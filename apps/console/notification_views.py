"""The regulator's notifications in the console (the same pages as the portal's)."""

from django.views.decorators.http import require_POST

from apps.console.views import regulator_required
from apps.workflow import notification_pages as shared


@regulator_required
def notifications(request):
    return shared.notification_page(request, "console")


@require_POST
@regulator_required
def notification_read(request, pk: int):
    return shared.mark_read(request, pk, "console")


@regulator_required
def notification_open(request, pk: int):
    return shared.open_link(request, pk, "console")


@require_POST
@regulator_required
def notifications_read_all(request):
    return shared.mark_all_read(request, "console")


@require_POST
@regulator_required
def notification_preferences(request):
    return shared.preferences(request, "console")
