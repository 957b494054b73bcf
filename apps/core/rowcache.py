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
"""

import pickle
import threading
from collections.abc import Callable, Hashable

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

    def _current(self, params) -> str | None:
        if self._sql is None:
            self._sql = self._stamps_sql(self.stamps)
        with prepared_cursor(connection) as cursor:
            cursor.execute(self._sql, params)
            row = cursor.fetchone()
        return row[0] if row else None

    def get(self, key: Hashable, params, load: Callable):
        if connection.vendor != "postgresql":
            return load(None)[0]
        entry = self._entries.get(key)
        if entry is not None and entry[0] == self._current(params):
            return pickle.loads(entry[1])  # noqa: S301 (this process's own bytes)
        value, stamps = load(self.stamps)
        if stamps is not None:
            kept = pickle.dumps(value)  # each caller gets a copy of its own to change
            with self._lock:
                if key not in self._entries and len(self._entries) >= self.size:
                    self._entries.pop(next(iter(self._entries)))  # the oldest
                self._entries[key] = (stamps, kept)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
