"""The console's list exports and sortable headers (apps.core.tables), each export an
audit event: which list, which format, which filters and order, how many rows."""

from django.db.models import QuerySet
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _

from apps.audit.choices import Retention
from apps.audit.services import audit_record
from apps.core import tables

# Each list's name in the reader's language: the file name of its export and its sheet
# (the ASCII `name` stays the file name of a client that reads no other, and the audit's).
TITLES = {
    "audit-events": _("Audit log"),
    "organizations": _("Organizations"),
    "uploads": _("Dataset uploads"),
    "operators": _("Operators"),
    "agreements": _("Agreements"),
    "registrations": _("Registration queue"),
    "applications": _("Access applications"),
    "queue": _("Review queue"),
    "grants": _("Grants"),
    "alerts": _("Anomaly alerts"),
}


def list_context(request, columns, current: str) -> dict:
    """What a list template needs for sortable headers and export links."""
    return {
        "headers": tables.headers(request, columns, current),
        "exports": tables.export_links(request),
        "ordering": current,
    }


def list_export(request, rows, columns, name: str):
    """The export response when the request asks for one (?export=csv|xlsx), else None."""
    fmt = tables.export_format(request)
    if fmt is None:
        return None
    if request.method != "GET":
        # A HEAD would be recorded as an export and deliver none of it.
        return HttpResponseNotAllowed(["GET"])
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    limit = tables.export_limit()
    query = request.GET.copy()
    query.pop("export", None)
    audit_record(
        actor=request.user,
        action="console.export",
        request=request,
        data={
            "list": name,
            "format": fmt,
            "query": query.urlencode()[:500],
            "rows": min(count, limit),
            "truncated": count > limit,
        },
        retention=Retention.ACCESS,
    )
    return tables.export_response(rows, columns, fmt, name, TITLES.get(name))
