"""The notification pages that the portal and the console both serve: the caller's own
list, mark one or all read (POST), e-mail preferences. Here, below both surfaces, so that
neither imports the other; apps.workflow.notifications does the work."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path

from apps.core.converters import parse_id
from apps.core.forms import run_action
from apps.core.http import same_site_path
from apps.workflow import notifications as service
from apps.workflow.models import NotificationCategory

PAGE = 50


def notification_page(request, namespace: str):
    unread = request.GET.get("unread") == "1"
    rows = service.notification_list(user=request.user, unread=unread).select_related(
        "content_type"
    )
    if (before := parse_id(request.GET.get("before", ""))) is not None:
        rows = rows.filter(id__lt=before)
    page = list(rows.order_by("-id")[: PAGE + 1])
    context = {
        "notifications": page[:PAGE],
        "older": page[PAGE - 1].pk if len(page) > PAGE else None,
        "unread_only": unread,
        "ns": namespace,
        "preferences": [
            (value, label, on)
            for (value, label), on in zip(
                NotificationCategory.choices,
                service.email_preferences(user=request.user).values(),
                strict=True,
            )
        ],
    }
    return render(request, "portal/notifications.html", context)


def _back(request, namespace: str):
    target = request.POST.get("next", "")
    if same_site_path(request, target):
        return HttpResponseRedirect(target)
    return redirect(f"{namespace}:notifications")


def mark_read(request, pk: int, namespace: str):
    service.notification_mark_read(user=request.user, notification_id=pk)
    return _back(request, namespace)


def open_link(request, pk: int, namespace: str):
    """Follows a notification to its object and marks it read (the caller's own only)."""
    notification = service.notification_mark_read(user=request.user, notification_id=pk)
    target = notification.link
    if same_site_path(request, target):
        return HttpResponseRedirect(target)
    return redirect(f"{namespace}:notifications")


def mark_all_read(request, namespace: str):
    run_action(request, lambda: service.notification_mark_all_read(user=request.user))
    return _back(request, namespace)


def preferences(request, namespace: str):
    chosen = request.POST.getlist("email")
    run_action(request, lambda: service.email_preferences_set(user=request.user, email_on=chosen))
    return redirect(f"{namespace}:notifications")


def notification_urls(views) -> list:
    """The five notification paths, bound to a surface's `views` module (its own
    access decorators around the functions above); each surface's urls.py includes them."""
    return [
        path("notifications/", views.notifications, name="notifications"),
        path(
            "notifications/read-all/",
            views.notifications_read_all,
            name="notifications_read_all",
        ),
        path(
            "notifications/preferences/",
            views.notification_preferences,
            name="notification_preferences",
        ),
        path("notifications/<id:pk>/read/", views.notification_read, name="notification_read"),
        path("notifications/<id:pk>/open/", views.notification_open, name="notification_open"),
    ]
