"""A record request's parameters, checked against the grant, compiled to one DuckDB query.

Parameters (query string):
- `fields=a,b`: a subset of the grant's fields (default: all of them).
- `filter[<field>][<op>]=<value>`: `eq`, `in` (comma-separated, none empty), `range`
  (`low,high`, either side may be empty), `prefix`; on unmasked fields of the grant only.
  A date field takes `YYYY-MM-DD`, a datetime field that or `YYYY-MM-DDTHH:MM[:SS]`.
- `order=<field>` or `order=-<field>` (descending): one unmasked field of the grant.
- `cursor`: the opaque `next` of the previous page (signed; bound to the same query).
- `page_size`: 1..MAX_PAGE_SIZE (default DEFAULT_PAGE_SIZE).

Identifiers in the SQL come only from the grant's scope (quoted); every value is a bound
parameter, cast to the column's own type, so no caller text is ever SQL.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.catalog import literals
from apps.catalog.choices import FieldType
from apps.core.exceptions import DomainError
from apps.delivery.sources import GrantField, GrantSource
from apps.delivery.store import ROW, TABLE

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_FILTERS = 20
MAX_IN_VALUES = 100
MAX_VALUE_LENGTH = 500
OPS = ("eq", "in", "range", "prefix")
FILTER_PARAM = re.compile(r"^filter\[([^\[\]]{1,100})\]\[([a-z]{1,10})\]$")
KNOWN = {"fields", "order", "cursor", "page_size", "source", "format"}
# Typed values in the forms apps.catalog.literals names (what DuckDB's cast receives), and
# booleans as true or false (not t, yes, 1).


_TYPE_FORMS = {
    FieldType.INTEGER: gettext_lazy(
        "An integer is written in digits, with a leading - if negative."
    ),
    FieldType.DECIMAL: gettext_lazy(
        "A decimal is written as digits with an optional . and fraction."
    ),
    FieldType.BOOLEAN: gettext_lazy("A boolean is true or false."),
    FieldType.DATE: gettext_lazy(
        "A date is YYYY-MM-DD; a date and time is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]."
    ),
    FieldType.DATETIME: gettext_lazy(
        "A date is YYYY-MM-DD; a date and time is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]."
    ),
}


class RecordQueryError(DomainError):
    status = 400


def refuse(code: str, message, param: str) -> RecordQueryError:
    return RecordQueryError(message, code=code, details={param: [str(message)]})


@dataclass
class RecordQuery:
    fields: list[str]
    filters: list[tuple[str, str, object]] = field(default_factory=list)
    order: str | None = None
    descending: bool = False
    page_size: int = DEFAULT_PAGE_SIZE
    after: tuple | None = None  # (value, row) of the last row of the previous page

    def shape(self) -> str:
        """What the cursor is bound to: the same fields, filters and order."""
        text = json.dumps([self.fields, self.filters, self.order, self.descending], default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self) -> dict:
        """For the audit record: names and operators, and the values (the caller's own)."""
        return {
            "fields": self.fields,
            "filters": [[name, op, value] for name, op, value in self.filters],
            "order": ("-" if self.descending else "") + self.order if self.order else None,
            "page_size": self.page_size,
        }


def _field(source: GrantSource, name: str, param: str, *, readable: bool = False):
    grant_field = source.field(name)
    if grant_field is None:
        raise refuse("field_unknown", _("The grant has no field %s.") % name[:100], param)
    if readable and grant_field.masked:
        raise refuse(
            "field_masked", _("%s is masked: it cannot be filtered or ordered on.") % name, param
        )
    return grant_field


def _text(value: str, param: str) -> str:
    if len(value) > MAX_VALUE_LENGTH or "\x00" in value:
        raise refuse("filter_invalid", _("The filter value is too long or malformed."), param)
    return value


def _typed(value: str, data_type: str, param: str) -> str:
    """A value of a typed field as the text that is bound: a date or datetime in ISO (a
    real calendar day), a number in plain decimal digits, a boolean as true or false."""
    if data_type == FieldType.INTEGER and literals.INTEGER.fullmatch(value):
        return value
    if data_type == FieldType.DECIMAL and literals.DECIMAL.fullmatch(value):
        return value
    if data_type == FieldType.BOOLEAN and value in ("true", "false"):
        return value
    try:
        if data_type == FieldType.DATE and literals.ISO_DATE.fullmatch(value):
            return date.fromisoformat(value).isoformat()
        if data_type == FieldType.DATETIME and literals.ISO_DATETIME.fullmatch(value):
            return datetime.fromisoformat(value).isoformat(sep=" ")
    except ValueError:
        pass
    raise refuse("filter_invalid", str(_TYPE_FORMS[data_type]), param)


def _filter_value(op: str, raw: str, param: str, grant_field: GrantField):
    raw = _text(raw, param)
    # eq, in and range values are cast to the column's type; prefix compares text.
    typed = grant_field.data_type in _TYPE_FORMS

    def value(text: str) -> str:
        return _typed(text, grant_field.data_type, param) if typed else text

    if op == "in":
        values = raw.split(",")
        # An empty item is no value (ingest stores an empty cell as null): `in=` and `in=,`
        # would otherwise ask for empty text, or a cast error, instead of being refused.
        if not 0 < len(values) <= MAX_IN_VALUES or "" in values:
            raise refuse("filter_invalid", _("in takes 1 to 100 values."), param)
        return [value(v) for v in values]
    if op == "range":
        parts = raw.split(",")
        if len(parts) != 2 or parts == ["", ""]:
            raise refuse("filter_invalid", _("range takes low,high (one may be empty)."), param)
        return [value(part) if part else None for part in parts]
    if op == "prefix":
        if not raw:
            raise refuse("filter_invalid", _("prefix needs a value."), param)
        return raw
    return value(raw)


def parse(params, source: GrantSource, *, salt: str) -> RecordQuery:
    unknown = [k for k in params if k not in KNOWN and not k.startswith("filter")]
    if unknown:
        raise refuse("param_unknown", _("Unknown parameter: %s") % unknown[0][:100], "params")
    if hasattr(params, "getlist"):  # a QueryDict: one value each, but for filters
        twice = [k for k in KNOWN if len(params.getlist(k)) > 1]
        if twice:
            raise refuse("param_repeated", _("%s is given more than once.") % twice[0], twice[0])
    names = source.field_names
    if params.get("fields"):
        names = []
        for name in params["fields"].split(","):
            _field(source, name.strip(), "fields")
            if name.strip() not in names:
                names.append(name.strip())
    query = RecordQuery(fields=names)
    filters = [k for k in params if k.startswith("filter")]
    if len(filters) > MAX_FILTERS:
        raise refuse("filter_invalid", _("At most %d filters.") % MAX_FILTERS, "filter")
    for key in sorted(filters):
        match = FILTER_PARAM.match(key)
        if match is None or match.group(2) not in OPS:
            raise refuse("filter_invalid", _("Filters are filter[field][op]=value."), key[:100])
        name, op = match.groups()
        grant_field = _field(source, name, key, readable=True)
        for raw in params.getlist(key) if hasattr(params, "getlist") else [params[key]]:
            query.filters.append((name, op, _filter_value(op, raw, key, grant_field)))
    order = params.get("order") or ""
    if order:
        query.descending = order.startswith("-")
        query.order = order.removeprefix("-")  # one sign at most: --x names no field
        _field(source, query.order, "order", readable=True)
    query.page_size = page_size_of(params)
    if params.get("cursor"):
        query.after = read_cursor(params["cursor"], query, salt=salt)
    return query


def page_size_of(params) -> int:
    size = params.get("page_size") or str(DEFAULT_PAGE_SIZE)
    if not size.isascii() or not size.isdigit() or int(size) < 1 or len(size) > 9:
        raise refuse("page_size_invalid", _("page_size is a positive whole number."), "page_size")
    if int(size) > MAX_PAGE_SIZE:
        raise refuse(
            "page_size_too_large", _("page_size is at most %d.") % MAX_PAGE_SIZE, "page_size"
        )
    return int(size)


def requested_page_size(params) -> int:
    """The rows a page reserves against the day's quota before `parse` runs: its valid
    page_size, else the default (`parse` then refuses it, and the reservation goes back)."""
    try:
        return page_size_of(params)
    except RecordQueryError:
        return DEFAULT_PAGE_SIZE


def read_cursor(token: str, query: RecordQuery, *, salt: str) -> tuple:
    try:
        data = signing.loads(token[:2000], salt=salt)
        if data["q"] != query.shape():
            raise ValueError
        return data["v"], int(data["r"])
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise refuse(
            "cursor_invalid", _("The cursor is not valid for this query."), "cursor"
        ) from None


def cursor_value(value):
    """The order value as a cursor holds it (and gives it back): JSON's own types."""
    return None if value is None else str(value) if not isinstance(value, (int, str)) else value


def make_cursor(query: RecordQuery, value, row: int, *, salt: str) -> str:
    value = cursor_value(value)
    return signing.dumps({"q": query.shape(), "v": value, "r": row}, salt=salt, compress=True)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_DECIMAL_TYPE = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
_INTEGER_BITS = {"TINYINT": 8, "SMALLINT": 16, "INTEGER": 32, "BIGINT": 64}


def _require_fits(name: str, op: str, value, kind: str) -> None:
    """A number fits its column (DuckDB's type of it): no more digits than a decimal holds
    (the cast would round 69.995 to the 70.00 that `eq` then finds), and an integer in
    the column's range. So the cast of a checked value cannot fail, and a refusal names
    the filter."""
    shape, bits = _DECIMAL_TYPE.fullmatch(kind), _INTEGER_BITS.get(kind)
    if (shape is None and bits is None) or op == "prefix":
        return
    for item in value if isinstance(value, list) else [value]:
        if item is None:
            continue
        if bits is not None:
            if not -(2 ** (bits - 1)) <= int(item) < 2 ** (bits - 1):
                raise refuse(
                    "filter_invalid",
                    _("The value is outside the field's range."),
                    f"filter[{name}][{op}]",
                )
            continue
        precision, scale = int(shape.group(1)), int(shape.group(2))
        whole, _dot, fraction = item.lstrip("-").partition(".")
        if len(fraction) > scale or len(whole.lstrip("0")) > precision - scale:
            raise refuse(
                "filter_invalid",
                _("The value has more digits than the field holds (%(p)d, %(s)d after the point).")
                % {"p": precision, "s": scale},
                f"filter[{name}][{op}]",
            )


def _condition(name: str, op: str, value, types: dict[str, str]) -> tuple[str, list]:
    column, kind = quote(name), types[name]

    def cast(item) -> str:
        return f"CAST(? AS {kind})"

    if op == "eq":
        return f"{column} = {cast(value)}", [value]
    if op == "ne":
        return f"{column} IS DISTINCT FROM {cast(value)}", [value]
    if op == "in":
        return f"{column} IN ({', '.join(cast(v) for v in value)})", list(value)
    if op == "range":
        low, high = value
        parts, params = [], []
        if low is not None:
            parts.append(f"{column} >= {cast(low)}")
            params.append(low)
        if high is not None:
            parts.append(f"{column} <= {cast(high)}")
            params.append(high)
        return " AND ".join(parts), params
    if op == "prefix":
        return f"starts_with(CAST({column} AS VARCHAR), ?)", [value]
    raise ValueError(op)


def row_filter_sql(source: GrantSource, types: dict[str, str]) -> tuple[str, list]:
    """The grant's row filter as one condition with bound parameters ("TRUE" if none)."""
    conditions, params = [], []
    for condition in source.row_filter:
        sql, values = _condition(condition["field"], condition["op"], condition["value"], types)
        conditions.append(sql)
        params.extend(str(v) for v in values)
    return " AND ".join(f"({c})" for c in conditions) or "TRUE", params


def columns_sql(names, scales: dict[str, int] | None) -> str:
    """The SELECT list of `names` as delivered: a decimal column at the scale its values
    use (apps.delivery.store `scales`: 15.4, not the stored 15.4000000000). The cast never
    rounds, so filters, order and cursors, which read the stored column, agree with it."""
    scales = scales or {}
    return ", ".join(
        f"CAST({quote(name)} AS DECIMAL(38, {int(scales[name])})) AS {quote(name)}"
        if name in scales
        else quote(name)
        for name in names
    )


def compile_export_sql(
    fields: list[str], source: GrantSource, types: dict[str, str], scales=None
) -> tuple[str, list]:
    """SELECT of every row of the grant's scope (row filter applied) in storage order: no
    ORDER BY, so DuckDB streams the rows (insertion order is kept) instead of sorting."""
    where, params = row_filter_sql(source, types)
    return f"SELECT {columns_sql(fields, scales)} FROM {TABLE} WHERE {where}", params  # noqa: S608


def compile_count_sql(source: GrantSource, types: dict[str, str]) -> tuple[str, list]:
    where, params = row_filter_sql(source, types)
    return f"SELECT count(*) FROM {TABLE} WHERE {where}", params  # noqa: S608


def compile_sql(
    query: RecordQuery, source: GrantSource, types: dict[str, str], scales=None
) -> tuple[str, list]:
    """SELECT of one page (page_size + 1 rows, to know whether another follows). A page
    in storage order has no ORDER BY: the copy is stored in `__row` order and DuckDB
    keeps insertion order (`preserve_insertion_order`, checked and locked when the store
    opens), so it skips the row groups before the cursor by their zone maps and stops
    after the page instead of sorting what follows."""
    conditions, params = [], []
    granted, granted_params = row_filter_sql(source, types)  # the grant's own, always
    conditions.append(granted)
    params.extend(granted_params)
    for name, op, value in query.filters:
        _require_fits(name, op, value, types[name])
        sql, values = _condition(name, op, value, types)
        conditions.append(sql)
        params.extend(values)
    order = [f"{quote(ROW)}"]
    if query.order:
        column, kind = quote(query.order), types[query.order]
        direction = "DESC NULLS LAST" if query.descending else "ASC NULLS FIRST"
        order.insert(0, f"{column} {direction}")
        if query.after is not None:
            value, row = query.after
            row_after = f"{quote(ROW)} > ?"
            if value is None:
                sql = f"({column} IS NULL AND {row_after})"
                sql += "" if query.descending else f" OR {column} IS NOT NULL"
                params.append(row)
            else:
                beyond = "<" if query.descending else ">"
                sql = f"({column} = CAST(? AS {kind}) AND {row_after}) OR "
                sql += f"{column} {beyond} CAST(? AS {kind})"
                sql += f" OR {column} IS NULL" if query.descending else ""
                params.extend([value, row, value])
            conditions.append(f"({sql})")
    elif query.after is not None:
        conditions.append(f"{quote(ROW)} > ?")
        params.append(query.after[1])
    columns = columns_sql([ROW, *query.fields], scales)
    where = " AND ".join(f"({c})" for c in conditions) or "TRUE"
    ordering = f"ORDER BY {', '.join(order)} " if query.order else ""
    sql = f"SELECT {columns} FROM {TABLE} WHERE {where} {ordering}LIMIT {int(query.page_size) + 1}"  # noqa: S608
    return sql, params
