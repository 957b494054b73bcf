"""Regulator console: every dataset upload and its ingestion outcome, filtered by status
or a search, sorted by a column, paged or exported."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.catalog.choices import IngestStatus
from apps.catalog.ingest.selectors import upload_search
from apps.console.exports import list_context, list_export
from apps.console.views import regulator_required
from apps.core import tables
from apps.core.pages import page_of

COLUMNS = [
    tables.Column("id", "#", "pk", "id"),
    tables.Column("file", _("file"), "original_name", "original_name"),
    tables.Column("resource", _("resource"), "resource.name", "resource__name"),
    tables.Column("provider", _("provider"), "resource.provider.name", "resource__provider__name"),
    tables.Column("status", _("status"), "get_status_display", "status"),
    tables.Column("size", _("bytes"), "size_bytes", "size_bytes"),
    tables.Column("rows", _("rows"), "rows_processed", "rows_processed"),
    tables.Column("problems", _("problems"), "problem_count", "problem_count"),
    tables.Column("created", _("uploaded at"), "created_at", "created_at"),
]


@regulator_required
def uploads(request):
    status = request.GET.get("status", "")
    status = status if status in IngestStatus.values else ""
    q = request.GET.get("q", "").strip()[:100]
    rows = upload_search(user=request.user, status=status, q=q)
    current = tables.ordering(request, COLUMNS, "-id")
    rows = tables.sort(rows, COLUMNS, current)
    export = list_export(request, rows, COLUMNS, "uploads")
    if export is not None:
        return export
    context = {
        "status": status,
        "q": q,
        "statuses": IngestStatus.choices,
        **page_of(request, rows),
        **list_context(request, COLUMNS, current),
    }
    return render(request, "console/uploads.html", context)
