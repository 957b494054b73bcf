"""Read-ahead of record pages: one DuckDB read serves the next pages of a keyset walk.

A merchant's program walks a grant's records page by page, each page starting after the
previous page's cursor. DuckDB reads 1,000 rows in about the time it reads 100 (the
cost is the query, not the rows), so a read takes up to DELIVERY_READ_AHEAD_ROWS rows,
serves the page asked for and keeps the rows after it here, keyed by the query's shape
and the position the page's own `next` cursor points to. The next request with that
cursor is served from them, as long as they cover a whole page (or the end of the data).

What is kept is exactly what those pages would be without read-ahead: the rows are masked
and watermarked for the grant once, for the whole read (each value's mask and mark do not
depend on where it is read); the dataset version is immutable (the key names its SHA-256);
and the key holds everything the rows depend on (the grant and how it masks each field,
the version, the fields, the caller's filters and order, and the grant's row filter).
Only masked rows are kept, plus the order field's raw value for the next cursor (a field
that may be ordered on is unmasked). Every page is still checked (grant, key, quota),
metered and audited. Each process keeps its own, bounded in memory
(DELIVERY_READ_AHEAD_BYTES: the buffers each run holds, the least recently used dropped
first) and in time (rows read more than DELIVERY_READ_AHEAD_SECONDS ago are dropped, not
served); a kept run is used once.
"""

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import pyarrow as pa
from django.conf import settings


@dataclass(frozen=True)
class Run:
    rows: pa.Table  # the rows after a position, in the query's order
    complete: bool  # nothing follows them
    at: float = field(default_factory=time.monotonic)  # when they were read

    @property
    def stale(self) -> bool:
        return time.monotonic() - self.at > settings.DELIVERY_READ_AHEAD_SECONDS

    @property
    def size(self) -> int:
        """The bytes it holds: whole buffers (a slice keeps its read's buffers alive)."""
        return self.rows.get_total_buffer_size()

    def covers(self, wanted: int) -> bool:
        """Whether they answer a read of `wanted` rows: that many, or all that is left."""
        return self.rows.num_rows >= wanted or self.complete


class ReadAhead:
    def __init__(self):
        self._runs: OrderedDict[tuple, Run] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def take(self, shape: str, position) -> Run | None:
        """The rows kept after `position` in a walk of this shape (taken: used once)."""
        with self._lock:
            run = self._runs.pop((shape, position), None)
            self._bytes -= run.size if run is not None else 0
        return None if run is None or run.stale else run

    def keep(self, shape: str, position, rows: pa.Table, complete: bool, at: float) -> None:
        """Keeps `rows` (read from DuckDB at `at`, monotonic) for the walk's next page."""
        run = Run(rows, complete, at)
        if run.size > settings.DELIVERY_READ_AHEAD_BYTES or run.stale:
            return
        with self._lock:
            old = self._runs.pop((shape, position), None)
            self._bytes += run.size - (old.size if old is not None else 0)
            self._runs[(shape, position)] = run
            # Oldest first: over the budget, or read too long ago to be served.
            while self._runs and (
                self._bytes > settings.DELIVERY_READ_AHEAD_BYTES
                or next(iter(self._runs.values())).stale
            ):
                self._bytes -= self._runs.popitem(last=False)[1].size

    def kept_bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._runs.clear()
            self._bytes = 0


pages = ReadAhead()


def shape_of(grant, version, query, source) -> str:
    """Everything a page's rows depend on, except the cursor and the page size: the
    grant (its rows are masked and watermarked for it) and how it masks each field too."""
    return json.dumps(
        [
            grant.pk,
            [(f.name, f.masking, f.data_type) for f in source.fields],
            version.pk,
            version.sha256,
            query.fields,
            query.filters,
            query.order,
            query.descending,
            source.row_filter,
        ],
        default=str,
        sort_keys=True,
    )


def pages_per_read(page_size: int) -> int:
    """How many pages one DuckDB read serves (whole pages: at least the one asked for)."""
    return max(1, -(-settings.DELIVERY_READ_AHEAD_ROWS // page_size))
