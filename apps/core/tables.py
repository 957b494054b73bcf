"""Sortable, exportable lists: one column spec per list says each column's label, how to
read its value from a row and which field sorts it. The page then gets header links
(`?ordering=key` / `?ordering=-key`, every other filter kept) and the same filtered,
sorted rows leave as CSV (every cell through apps.core.csvsafe) or XLSX, capped at
EXPORT_LIMIT rows. The surface (the console) audits the export; this module writes it.
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from apps.core import csvsafe
from apps.core.http import attachment_header

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_limit() -> int:
    return settings.EXPORT_LIMIT


@dataclass(frozen=True)
class Column:
    """`value` is an attribute path ("product.name") or a function of the row; `order`
    the ORM field that sorts the column (None: not sortable)."""

    key: str
    label: Any
    value: str | Callable[[Any], Any]
    order: str | None = None

    def read(self, row) -> Any:
        if callable(self.value):
            return self.value(row)
        for part in self.value.split("."):
            row = getattr(row, part, None) if row is not None else None
        return row() if callable(row) else row


def ordering(request, columns: Iterable[Column], default: str) -> str:
    """The ?ordering= asked for when a column sorts by it, else `default`."""
    asked = request.GET.get("ordering", "")
    sortable = {c.key for c in columns if c.order}
    return asked if asked.removeprefix("-") in sortable else default


def sort(rows: QuerySet, columns: Iterable[Column], key: str, tie: str = "-pk") -> QuerySet:
    """`rows` ordered by the column `key` names ("-" for descending), ties by `tie`."""
    by_key = {c.key: c for c in columns}
    column = by_key.get(key.removeprefix("-"))
    if column is None or not column.order:
        return rows
    field = ("-" if key.startswith("-") else "") + column.order
    return rows.order_by(field, tie)


def headers(request, columns: Iterable[Column], current: str) -> list[dict]:
    """For each column: its label and, when it sorts, the link that sorts by it (the
    other way round when it is the current order), the filters kept, the page dropped."""
    query = request.GET.copy()
    for name in ("page", "before", "export"):
        query.pop(name, None)
    result = []
    for column in columns:
        entry = {"label": column.label, "url": None, "sorted": ""}
        if column.order:
            if current == column.key:
                entry["sorted"], query["ordering"] = "ascending", "-" + column.key
            elif current == "-" + column.key:
                entry["sorted"], query["ordering"] = "descending", column.key
            else:
                query["ordering"] = column.key
            entry["url"] = "?" + query.urlencode()
        result.append(entry)
    return result


def listing(request, rows, columns, default: str, export, name: str):
    """Rows sorted as ?ordering= asks; the export response when one is asked for and
    the surface offers it (`export`, the console's), else None; and the page context
    (sortable headers, the order, the export links when offered)."""
    current = ordering(request, columns, default)
    rows = sort(rows, columns, current)
    context = {"headers": headers(request, columns, current), "ordering": current}
    if export is not None:
        context["exports"] = export_links(request)
        return rows, export(request, rows, columns, name), context
    return rows, None, context


def export_links(request) -> dict:
    """?export=csv / ?export=xlsx with the current filters and order."""
    query = request.GET.copy()
    for name in ("page", "before"):
        query.pop(name, None)
    links = {}
    for fmt in FORMATS:
        query["export"] = fmt
        links[fmt] = "?" + query.urlencode()
    return links


def export_format(request) -> str | None:
    fmt = request.GET.get("export", "")
    return fmt if fmt in FORMATS else None


def _cell(value) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool | int | float):
        return value
    return csvsafe.neutralize(str(value))


def _rows(rows, columns: list[Column], limit: int):
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=2000)
    for number, row in enumerate(rows):
        if number >= limit:
            return
        yield [_cell(c.read(row)) for c in columns]


class _Line:
    def write(self, value):
        return value


def _csv_lines(rows, columns, limit):
    line = csvsafe.writer(_Line())
    yield "\ufeff"  # so that spreadsheets read the Chinese as UTF-8
    yield line.writerow([str(c.label) for c in columns])
    for values in _rows(rows, columns, limit):
        yield line.writerow(values)


def xlsx_bytes(sheets: list[tuple[str, list, Iterable[list]]]) -> bytes:
    """A workbook of (title, header, rows) sheets; strings already neutralized, since
    openpyxl stores a string starting with '=' as a formula. A control character, which
    a worksheet cannot hold (openpyxl raised IllegalCharacterError: a name typed with
    one made every export of its list a 500), is written as `?`."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def storable(value):
        return ILLEGAL_CHARACTERS_RE.sub("?", value) if isinstance(value, str) else value

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=storable(title[:31]))
        sheet.append([storable(str(h)) for h in header])
        for values in rows:
            sheet.append([storable(value) for value in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# What a sheet's title may not hold (Excel's rule; openpyxl refuses them).
SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def export_response(rows, columns: list[Column], fmt: str, name: str, title=None) -> HttpResponse:
    """The rows as a download, at most export_limit() of them. `name` is ASCII (the file
    name of a client that reads no other); `title`, the list's name in the reader's
    language, names the file (`filename*`) and the sheet when given."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    title = str(title or name)
    limit = export_limit()
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_lines(rows, columns, limit), content_type="text/csv; charset=utf-8"
        )
    else:
        sheet = title.translate(SHEET_FORBIDDEN).strip() or name
        body = xlsx_bytes([(sheet, [c.label for c in columns], _rows(rows, columns, limit))])
        response = HttpResponse(body, content_type=XLSX_TYPE)
    local = slugify(title, allow_unicode=True) or name  # "审计日志", "audit-log"
    ascii_name = local if local.isascii() else name
    response["Content-Disposition"] = attachment_header(
        f"{ascii_name}-{stamp}.{fmt}", f"{local}-{stamp}.{fmt}"
    )
    response["Cache-Control"] = "no-store"
    return response
