"""Serving one page of a grant's records: checked, filtered, masked, watermarked,
metered and audited (apps.delivery.query says what a request may ask)."""

import uuid
from dataclasses import dataclass, replace

import duckdb
import pyarrow as pa
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from apps.audit.services import audit_record_denial
from apps.delivery import quotas, readahead, watchdog
from apps.delivery.query import (
    RecordQuery,
    compile_sql,
    cursor_value,
    make_cursor,
    parse,
    refuse,
    requested_page_size,
)
from apps.delivery.sources import GrantSource, NoData, grant_source
from apps.delivery.store import ROW, open_store
from apps.grants.models import Grant
from apps.security.masking import mask_values
from apps.security.watermark import (
    Fingerprint,
    TextField,
    derive_key,
    embed_table,
)

QUERY_TIMEOUT = 10.0
AUDIT_ACTION = "delivery.records.read"


@dataclass
class Page:
    columns: list[str]
    table: pa.Table
    next_cursor: str | None
    watermark: str
    query: RecordQuery
    source: GrantSource

    def rows(self) -> list[dict]:
        """The page's rows as dicts (a column at a time: faster than row by row)."""
        columns = self.table.column_names
        values = [column.to_pylist() for column in self.table.columns]
        return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def cursor_salt(grant: Grant) -> str:
    return f"apps.delivery.cursor:{grant.pk}"


def watermark_id(grant: Grant) -> str:
    return f"wm1:grant:{grant.pk}"


def fingerprint(grant: Grant) -> Fingerprint:
    master = salted_hmac("apps.delivery.watermark", "master").digest()
    return Fingerprint(grant_id=str(grant.pk), key=derive_key(master, str(grant.pk)))


def _run(connection, sql: str, params: list) -> pa.Table:
    token = watchdog.watch(connection, QUERY_TIMEOUT)
    try:
        # A relation's Arrow result is the query's own (a DB-API result's is copied).
        return connection.sql(sql, params=params).to_arrow_table()
    except duckdb.InterruptException:
        raise refuse("query_timeout", _("The request ran too long."), "filter") from None
    except (duckdb.ConversionException, duckdb.InvalidInputException, duckdb.BinderException):
        raise refuse(
            "filter_invalid", _("A filter value does not suit its field."), "filter"
        ) from None
    finally:
        watchdog.done(token)


def _select(connection, query: RecordQuery, source: GrantSource, store) -> pa.Table:
    """The page's rows (one query: apps.delivery.query.compile_sql)."""
    return _run(connection, *compile_sql(query, source, store.types, store.scales))


def protect(table: pa.Table, grant: Grant, source: GrantSource) -> pa.Table:
    """Masks every masked column (pseudonyms scoped by grant), then watermarks the
    unmasked text columns: every delivery (record pages, export batches) goes through it."""
    to_mark = []
    for index, name in enumerate(table.column_names):
        grant_field = source.field(name)
        if grant_field.masked:
            masked = mask_values(
                grant_field.masking, table.column(index), scope=f"grant:{grant.pk}"
            )
            table = table.set_column(index, pa.field(name, pa.string()), masked)
        elif grant_field.watermarked:
            to_mark.append(TextField(name))
    return embed_table(table, fingerprint(grant), to_mark) if to_mark else table


def require_columns(names, types: dict[str, str]) -> None:
    """Fails closed when the version lost a field the grant reads or filters on."""
    if any(name not in types for name in names):
        raise NoData(_("The data no longer has every field of the grant."))


ORDER = "__order"  # a run's raw value of the order field (its cursor), beside the marked one


def _protected_run(grant: Grant, query: RecordQuery, source: GrantSource) -> readahead.Run:
    """The page and the pages after it, read in DuckDB in one query, masked and
    watermarked for the grant; each row keeps its `__row` and, when ordered, the order
    field's raw value (a watermarked text is not the value the next cursor compares)."""
    store = open_store(source.version)
    connection = store.connection()
    try:
        require_columns([*query.fields, *(c["field"] for c in source.row_filter)], store.types)
        pages = readahead.pages_per_read(query.page_size)
        ahead = replace(query, page_size=query.page_size * pages)
        rows = _select(connection, ahead, source, store)
    finally:
        connection.close()
    run = protect(rows.drop_columns([ROW]), grant, source).append_column(ROW, rows.column(ROW))
    if query.order:
        run = run.append_column(ORDER, rows.column(query.order))
    return readahead.Run(run, complete=rows.num_rows <= ahead.page_size)


def _read(grant: Grant, query: RecordQuery, source: GrantSource) -> tuple[pa.Table, tuple | None]:
    """The page's rows, protected, and the position after them (the next cursor's order
    value and `__row`; None on the last page): kept from the previous page's read when
    they are (apps.delivery.readahead), else read with the pages after it, which are kept
    for the next page."""
    shape = readahead.shape_of(grant, source.version, query, source)
    run = readahead.pages.take(shape, query.after)
    if run is None or not run.covers(query.page_size + 1):
        run = _protected_run(grant, query, source)
    if run.rows.num_rows <= query.page_size:
        return run.rows, None
    last = run.rows.slice(query.page_size - 1, 1).to_pylist()[0]
    position = (cursor_value(last[ORDER]) if query.order else None, last[ROW])
    readahead.pages.keep(shape, position, run.rows.slice(query.page_size), run.complete, run.at)
    return run.rows.slice(0, query.page_size), position


def _page(grant: Grant, params, rows_left: int | None) -> Page:
    source = grant_source(grant, params.get("source"))
    query = parse(params, source, salt=cursor_salt(grant))
    if rows_left is not None:
        query.page_size = min(query.page_size, rows_left)
    table, after = _read(grant, query, source)
    next_cursor = None
    if after is not None:
        next_cursor = make_cursor(query, after[0], after[1], salt=cursor_salt(grant))
    return Page(
        columns=list(query.fields),
        table=table.drop_columns([c for c in (ROW, ORDER) if c in table.column_names]),
        next_cursor=next_cursor,
        watermark=watermark_id(grant),
        query=query,
        source=source,
    )


def actor_of(user, key):
    return key if key is not None else user


def records_read(*, grant: Grant, user, key=None, params, render) -> tuple[Page, bytes]:
    """One page, rendered by `render(page) -> bytes`; limits, metering and audit included.
    Every refusal is audited (who, grant, what was asked) and re-raised."""
    key_id = getattr(key, "pk", None)
    try:
        # The page's rows are counted against the day's quota as it is admitted.
        reserved = quotas.admit(grant, key_id, reserve=requested_page_size(params))
    except quotas.Limited as limited:
        records_denied(grant=grant, user=user, key=key, params=params, code=limited.code)
        limited.audited = True
        raise
    try:
        page = _page(grant, params, reserved)
        body = render(page)
        request_id = uuid.uuid4().hex
        # Metering and audit commit together (one statement on PostgreSQL).
        quotas.meter_audited(
            grant,
            request_id=request_id,
            rows=page.table.num_rows,
            size=len(body),
            actor=actor_of(user, key),
            action=AUDIT_ACTION,
            target=grant,
            target_org=grant.merchant_id,
            data={
                **page.query.describe(),
                "source": page.source.resource_id,
                "version": page.source.version.pk,
                "rows": page.table.num_rows,
                "bytes": len(body),
                "watermark": page.watermark,
                "request": request_id,
            },
        )
    except Exception as problem:
        quotas.refund_call(grant)
        quotas.release(grant, key_id)
        quotas.unreserve(grant, reserved)
        code = getattr(problem, "code", type(problem).__name__)
        records_denied(grant=grant, user=user, key=key, params=params, code=code)
        if hasattr(problem, "code"):  # a DomainError: audited here, with the grant
            problem.audited = True
        raise
    if reserved:  # a short page gives back the rows it did not read
        quotas.unreserve(grant, reserved - page.table.num_rows)
    return page, body


def records_denied(*, grant: Grant | None, user, key, params, code: str) -> None:
    """The audit record of a refused read: who, which grant, what was asked (names and
    the caller's own filter values; never data)."""
    asked = {
        name: str(value)[:200]
        for name, value in (params.items() if params is not None else [])
        if name != "cursor"
    }
    audit_record_denial(
        actor=actor_of(user, key),
        action=AUDIT_ACTION,
        target=grant,
        target_org=getattr(grant, "merchant_id", None),
        reason=str(code)[:100],
        data={"asked": asked},
    )
