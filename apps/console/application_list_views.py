"""Regulator console: every access application, filtered by status, kind or a search,
sorted by a column, counted and paged or exported (the dashboard's application figures
link here)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from apps.console.exports import list_context, list_export
from apps.console.todos import link
from apps.console.views import regulator_required
from apps.core import tables
from apps.grants import selectors
from apps.grants.choices import ApplicationKind, ApplicationStatus
from apps.grants.columns import APPLICATION_COLUMNS

PAGE_SIZE = 50


@regulator_required
def applications(request):
    status = request.GET.get("status", "")
    status = status if status in ApplicationStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in ApplicationKind.values else ""
    q = request.GET.get("q", "").strip()[:100]
    rows = selectors.application_list(user=request.user, status=status, kind=kind, q=q)
    current = tables.ordering(request, APPLICATION_COLUMNS, "-id")
    rows = tables.sort(rows, APPLICATION_COLUMNS, current)
    export = list_export(request, rows, APPLICATION_COLUMNS, "applications")
    if export is not None:
        return export
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for application in page:
        application.url = link("console:application_detail", application.pk)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "status": status,
        "kind": kind,
        "q": q,
        "statuses": ApplicationStatus.choices,
        "kinds": ApplicationKind.choices,
        **list_context(request, APPLICATION_COLUMNS, current),
    }
    return render(request, "console/applications.html", context)
