"""Portal pages of a grant's data for its holder: the data browser (the record API as an
HTML table, with the grant's filters, ordering and the next-page cursor; works without
JavaScript) and the exports page (request, progress, download). The product's operator
and the regulator see the export history read-only. Reads and writes go through
apps.delivery (services.records_read, exports, export_links)."""

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.exceptions import DomainError
from apps.core.forms import flash_domain_error, flash_refused
from apps.delivery import export_links, exports, selectors, services
from apps.delivery import pages as delivery_pages
from apps.delivery.choices import ExportFormat
from apps.delivery.query import DEFAULT_PAGE_SIZE, FILTER_PARAM, OPS


def _fields(grant) -> list[dict]:
    """The grant's fields of its first source: name, and whether it may be filtered."""
    entries = grant.scope.get("sources") or [{}]
    return [
        {"name": f["name"], "masked": (f.get("masking") or "none") != "none"}
        for f in entries[0].get("fields", [])
    ]


def _params(query: QueryDict, fields: list[dict]) -> QueryDict:
    """The record API's parameters from the browser's form: empty inputs dropped, the
    two range inputs joined as `low,high`."""
    params = QueryDict(mutable=True)
    for name in ("order", "cursor", "page_size"):
        if query.get(name):
            params[name] = query[name]
    for field in fields:
        for op in OPS:
            key = f"filter[{field['name']}][{op}]"
            if op == "range":
                low, high = (
                    query.get(f"low[{field['name']}]", ""),
                    query.get(f"high[{field['name']}]", ""),
                )
                if low or high:
                    params[key] = f"{low},{high}"
            elif query.get(key):
                params[key] = query[key]
    return params


def _with_values(field: dict, query: QueryDict, problem: dict | None) -> dict:
    """The field and what the form holds for it (to show the filters in force), and the
    refusal when it names one of this field's filters."""
    name = field["name"]
    values = {op: query.get(f"filter[{name}][{op}]", "") for op in ("eq", "in", "prefix")}
    values.update(low=query.get(f"low[{name}]", ""), high=query.get(f"high[{name}]", ""))
    mine = problem is not None and problem.get("field") == name
    return {**field, **values, "problem": problem if mine else None}


# The browser's label of each filter (a range is its two inputs).
OP_LABELS = {
    "eq": gettext_lazy("equals"),
    "in": gettext_lazy("one of (comma-separated)"),
    "prefix": gettext_lazy("starts with"),
}


def _problem(error: DomainError | None) -> dict | None:
    """What a refusal's parameter names, so the page shows it by its field or control:
    {"field", "op", "label"} for a filter, {"control", "label"} for the order or the page
    size; None when it names neither (a cursor, a parameter typed in the address)."""
    param = next(iter(getattr(error, "details", None) or {}), None)
    if param is None:
        return None
    match = FILTER_PARAM.match(param)
    if match is not None:
        name, op = match.groups()
        what = OP_LABELS.get(op) or f"{_('at least')} / {_('at most')}"
        return {"field": name, "op": op, "label": f"{name} · {what}"}
    controls = {"order": _("Order by"), "page_size": _("Rows per page")}
    if param in controls:
        return {"control": param, "label": controls[param]}
    return None


def _cell(value):
    """A value as the API writes it, not in the locale's long date format, and a decimal
    without the trailing zeros of its storage scale (the value itself unchanged)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal) and value.is_finite():
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


def _rows_html(page) -> bytes:
    rows = [[_cell(row[name]) for name in page.columns] for row in page.rows()]
    context = {"columns": page.columns, "rows": rows}
    return render_to_string("portal/delivery/rows.html", context).encode()


# GET only, like the record API: a HEAD would read, meter and audit a page (or count and
# audit a download) and deliver none of it. Never kept by a browser or a proxy either (the
# grant's rows, as the record API's pages: apps.core.middleware.ApiNoStoreMiddleware).
@require_GET
@never_cache
@login_required
def grant_data(request, pk: int):
    grant = selectors.grant_for_records(user=request.user, key=None, pk=pk)
    fields = _fields(grant)
    page, table, error, status = None, "", None, 200
    try:
        page, body = services.records_read(
            grant=grant,
            user=request.user,
            params=_params(request.GET, fields),
            render=_rows_html,
        )
        table = mark_safe(body.decode())  # noqa: S308  (our own template, escaped)
    except DomainError as refusal:
        error, status = refusal, refusal.status
    problem = _problem(error)
    filterable = [_with_values(f, request.GET, problem) for f in fields if not f["masked"]]
    if problem is not None:  # a link to where the form shows it (none for a hidden field)
        problem["shown"] = "control" in problem or any(f["problem"] for f in filterable)
    next_url = None
    if page is not None and page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_url = "?" + query.urlencode()
    context = {
        "grant": grant,
        "fields": fields,
        "filterable": filterable,
        "values": request.GET,
        "filters_in_use": error is not None
        or any(v for k, v in request.GET.items() if k != "cursor"),
        "page": page,
        "table": table,
        "error": error,
        "problem": problem,
        "next_url": next_url,
        "page_sizes": (20, DEFAULT_PAGE_SIZE, 500),
        "current_size": request.GET.get("page_size") or str(DEFAULT_PAGE_SIZE),
    }
    return render(request, "portal/delivery/data.html", context, status=status)


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("format"), choices=ExportFormat.choices)
    fields = forms.MultipleChoiceField(
        label=gettext_lazy("fields"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None chosen: every field of the grant."),
    )

    def __init__(self, *args, names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = [(n, n) for n in names]


def _request_export(request, pk: int):
    grant = selectors.grant_for_records(user=request.user, key=None, pk=pk, action=exports.REQUEST)
    form = ExportForm(request.POST, names=[f["name"] for f in _fields(grant)])
    if not form.is_valid():
        flash_refused(request, _("Choose a format and fields of the grant."))
        return redirect("portal:grant_exports", pk=pk)
    try:
        exports.export_request(
            grant=grant,
            user=request.user,
            format=form.cleaned_data["format"],
            fields=form.cleaned_data["fields"] or None,
        )
    except DomainError as error:
        flash_domain_error(request, error)
    else:
        messages.success(request, _("The export was queued; this page shows its progress."))
    return redirect("portal:grant_exports", pk=pk)


@login_required
def grant_exports(request, pk: int):
    if request.method == "POST":
        return _request_export(request, pk)
    return delivery_pages.exports_page(
        request,
        pk,
        "portal",
        form=lambda grant: ExportForm(names=[f["name"] for f in _fields(grant)]),
    )


@require_GET
@login_required
def grant_export_download(request, pk: int, eid: int):
    grant = selectors.grant_for_records(
        user=request.user, key=None, pk=pk, action=export_links.DOWNLOAD
    )
    export, path = export_links.export_download(
        grant=grant, export_id=eid, user=request.user, token=request.GET.get("token", "")
    )
    return export_links.export_file_response(export, path)
