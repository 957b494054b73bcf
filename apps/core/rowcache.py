"""Model instances kept per process and handed out again only while every row they were
read from is unchanged in PostgreSQL.

The hot paths of the API (a key, its grant, a grant's data source) read the same few rows
on every request, and most of that time goes into the ORM compiling the query and building
wide instances, not into PostgreSQL. Here a use that has instances kept runs one raw SELECT
of the rows' `(xmin, ctid)` instead: PostgreSQL gives a row a new `(xmin, ctid)` whenever
it is written (an UPDATE writes a new row version: from another transaction with another
`xmin`, from the same transaction at another `ctid`, since the version it replaces cannot
be reclaimed while that transaction runs), and a deleted row is no longer found. When the
stamps are those the instances were read with, the instances are the rows as they are now
and a copy is returned; otherwise they are read again, with their stamps in the same
statement. Nothing is ever served stale: a revoked key or a suspended grant reaches the
very next request, as without the cache, whether it was saved, `.update()`d or changed by
hand in SQL.

On other databases (SQLite, the embedded default) nothing is kept.

A request that knows what it will check next reads those stamps together (`read_together`):
a keyed GET reads the stamps of its key, of the key's grant binding and of the grant's
source, and whether an alert holds the key, in one SELECT, where it made four round trips.
Each stamp so read is used once, by the first check of its rows in the same request (and
within a second); anything else asks PostgreSQL itself, as before.
"""

import pickle
import threading
import time
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.signals import request_finished, request_started
from django.db import connection

from apps.core.prepared import prepared_cursor

STAMPS = "row_stamps"  # the name of the stamps column in a load's SELECT


def stamps_of(*tables: str) -> str:
    """The stamps of the rows of `tables` (as named in the query) as one text value."""
    return "ROW(" + ", ".join(f'"{t}".xmin, "{t}".ctid' for t in tables) + ")::text"


def with_stamps(rows, stamps: str | None):
    """`rows` (a QuerySet) selecting `stamps` too, as `STAMPS` (unchanged for None)."""
    return rows.extra(select={STAMPS: stamps}) if stamps else rows  # noqa: S610 (our SQL)


def stamps_read(instance) -> str | None:
    """The stamps a `with_stamps` query read with `instance` (None for no instance)."""
    return getattr(instance, STAMPS, None)


class RowCache:
    """`get(key, params, load)` returns what `load(stamps)` reads, kept under `key`.

    `load(stamps)` reads the instances in one query made `with_stamps(rows, stamps)` and
    returns `(value, stamps_read(instance))`: None when nothing was found (not kept).
    `stamps_sql()` (built at first use, once the models are loaded) selects the same
    `stamps_of(tables)` over the same rows, with `params`."""

    def __init__(self, tables: tuple[str, ...], stamps_sql: Callable[[str], str], *, size=2048):
        self.tables = tables
        self._stamps_sql = stamps_sql
        self._sql: str | None = None
        self.size = size
        self._entries: dict = {}
        self._lock = threading.Lock()

    @property
    def stamps(self) -> str:
        return stamps_of(*self.tables)

    @property
    def sql(self) -> str:
        if self._sql is None:
            self._sql = self._stamps_sql(self.stamps)
        return self._sql

    def _current(self, key, params) -> str | None:
        return value_of(self.check(key, params))

    def check(self, key: Hashable, params) -> "Check":
        """The check `get(key, params, ...)` makes, to read with others (`read_together`)."""
        return Check((id(self), key), self.sql, list(params))

    def kept(self, key: Hashable):
        """What is kept under `key`, unchecked (None if nothing): only to tell which rows
        the request will check next, never to serve. One copy, shared by every caller and
        made once, when kept: read it, never change it."""
        entry = self._entries.get(key)
        return entry[2] if entry is not None else None

    def get(self, key: Hashable, params, load: Callable):
        if connection.vendor != "postgresql":
            return load(None)[0]
        entry = self._entries.get(key)
        if entry is not None and entry[0] == self._current(key, params):
            return pickle.loads(entry[1])  # noqa: S301 (this process's own bytes)
        value, stamps = load(self.stamps)
        if stamps is not None:
            kept = pickle.dumps(value)  # each caller gets a copy of its own to change
            with self._lock:
                if key not in self._entries and len(self._entries) >= self.size:
                    self._entries.pop(next(iter(self._entries)))  # the oldest
                self._entries[key] = (stamps, kept, pickle.loads(kept))  # noqa: S301
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# Stamps (and other one-value checks) read ahead for the request running in this context:
# (when they were read, {check key: value}). Emptied when a request starts and ends.
_ahead: ContextVar[tuple[float, dict] | None] = ContextVar("rowcache_ahead", default=None)
MISSING = object()
AHEAD_SECONDS = 1.0  # a value read ahead and not used by then is read again


@dataclass(frozen=True)
class Check:
    """A SELECT of one value (the first column of its first row; NULL for no row)."""

    key: Hashable
    sql: str
    params: list


def read_together(checks: list[Check]) -> None:
    """Reads every check's value in one SELECT (each as a scalar subquery), for `taken`."""
    if not checks or connection.vendor != "postgresql":
        return
    columns = ", ".join(f"({check.sql} LIMIT 1)" for check in checks)
    params = [value for check in checks for value in check.params]
    with prepared_cursor(connection) as cursor:
        cursor.execute(f"SELECT {columns}", params)
        row = cursor.fetchone()
    _ahead.set((time.monotonic(), {c.key: v for c, v in zip(checks, row, strict=True)}))


def value_of(check: Check):
    """The check's value: as read ahead for this request, or read now."""
    ahead = taken(check.key)
    if ahead is not MISSING:
        return ahead
    with prepared_cursor(connection) as cursor:
        cursor.execute(f"{check.sql} LIMIT 1", check.params)
        row = cursor.fetchone()
    return row[0] if row else None


def taken(key: Hashable):
    """The value read ahead for this check in this request (used once), or MISSING."""
    ahead = _ahead.get()
    if ahead is None or time.monotonic() - ahead[0] > AHEAD_SECONDS:
        return MISSING
    return ahead[1].pop(key, MISSING)


def _forget(**_kwargs) -> None:
    _ahead.set(None)


request_started.connect(_forget, dispatch_uid="rowcache_forget_started")
request_finished.connect(_forget, dispatch_uid="rowcache_forget_finished")
