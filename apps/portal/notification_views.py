"""Notification pages of the portal (the console serves the same ones)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

from apps.workflow import notification_pages as shared


@login_required
def notifications(request):
    return shared.notification_page(request, "portal")


@require_POST
@login_required
def notification_read(request, pk: int):
    return shared.mark_read(request, pk, "portal")


@login_required
def notification_open(request, pk: int):
    return shared.open_link(request, pk, "portal")


@require_POST
@login_required
def notifications_read_all(request):
    return shared.mark_all_read(request, "portal")


@require_POST
@login_required
def notification_preferences(request):
    return shared.preferences(request, "portal")
