"""Rate limits and daily quotas of a grant, and its metering.

Fast counters live in Redis (REDIS_URL; the default cache only where no Redis is
configured): one atomic INCR per window, as in
apps.core.api.throttles. The per-minute rate counts per grant and per key; the daily
calls and rows count per grant and are seeded from PostgreSQL (UsageDay) when missing, so
a Redis restart neither forgets a day's use nor lets the quota start over. Metering
(`meter`, `meter_audited`) writes PostgreSQL once per request id.
"""

import contextlib
import logging
import time
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache as default_cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from apps.audit.services import audit_record, audit_record_after
from apps.core.exceptions import DomainError
from apps.core.prepared import prepared_cursor
from apps.core.redis_cache import RedisCache, incr_existing
from apps.delivery.models import UsageDay, UsageEvent
from apps.grants.models import Grant

logger = logging.getLogger(__name__)

PREFIX = "delivery"


@lru_cache(maxsize=4)
def _counters_for(url: str):
    return RedisCache(url, {"TIMEOUT": None}) if url else default_cache


def counters():
    """The store of the fast counters: Redis itself (tests use the real one)."""
    return _counters_for(settings.REDIS_URL)


class Limited(DomainError):
    status = 429

    def __init__(self, message, *, code: str, retry_after: int):
        super().__init__(message, code=code, details={"retry_after": retry_after})
        self.headers = {"Retry-After": str(max(1, int(retry_after)))}


def _incr(key: str, ttl: int, seed=None) -> int:
    """INCR `key`, created (with `seed()` or 0) and given `ttl` when missing."""
    try:
        return counters().incr(key)
    except ValueError:
        start = seed() if seed else 0
        if counters().add(key, start + 1, ttl):
            return start + 1
        return counters().incr(key)


def seconds_to_midnight() -> int:
    now = timezone.localtime()
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return int((timezone.make_aware(tomorrow) - now).total_seconds()) + 1


def _day_total(grant_id: int, column: str):
    def seed() -> int:
        usage = UsageDay.objects.filter(grant_id=grant_id, day=timezone.localdate()).first()
        return getattr(usage, column) if usage else 0

    return seed


def _day_key(grant_id: int, what: str) -> str:
    return f"{PREFIX}:{what}:{grant_id}:{timezone.localdate().isoformat()}"


def admit(grant: Grant, key_id: int | None, reserve: int = 0) -> int | None:
    """Counts the call against the rate and the daily calls, or raises Limited.

    Without `reserve`: returns the rows the grant may still read today (None: no row
    quota). With `reserve` (a page's size): counts up to that many rows as read in the same
    round trip and returns how many it counted (None: no row quota); the caller gives back
    what it did not read (`unreserve`). So concurrent pages cannot together read past the
    day's rows, and a full page needs no second round trip.

    The counters are counted in one round trip; a missing one (a new minute or day, or a
    Redis restart) is created, the daily ones seeded from PostgreSQL."""
    window, into = divmod(time.time(), 60)
    rates = [f"{PREFIX}:rate:g{grant.pk}:{int(window)}"]
    if key_id:
        rates.append(f"{PREFIX}:rate:k{key_id}:{int(window)}")
    calls = _day_key(grant.pk, "calls") if grant.calls_per_day is not None else None
    rows = _day_key(grant.pk, "rows") if grant.rows_per_day is not None else None
    counted = [*rates, *([calls] if calls else [])]  # +1 each
    names, deltas = [*counted], [1] * len(counted)
    if rows:
        names.append(rows)  # read, or counted by the reservation
        deltas.append(reserve)
    values = dict(zip(names, incr_existing(counters(), names, deltas), strict=True))
    for name in rates:
        if values[name] is None:
            values[name] = _incr(name, 120)
    if calls and values[calls] is None:
        values[calls] = _incr(calls, 90000, _day_total(grant.pk, "calls"))
    reserved = reserve if rows and values[rows] is not None else 0  # counted in Redis
    if any(values[name] > grant.rate_per_minute for name in rates):
        for name in counted:
            counters().decr(name)
        unreserve(grant, reserved)
        raise Limited(
            _("Too many requests for this grant; slow down."),
            code="rate_limited",
            retry_after=60 - into,
        )
    if calls and values[calls] > grant.calls_per_day:
        counters().decr(calls)
        release(grant, key_id)
        unreserve(grant, reserved)
        raise Limited(
            _("The grant's calls for today are used up."),
            code="quota_exhausted",
            retry_after=seconds_to_midnight(),
        )
    if rows is None:
        return None
    used = values[rows]
    if used is None:
        counters().add(rows, _day_total(grant.pk, "rows")(), 90000)
        used = counters().incr(rows, reserve) if reserve else counters().get(rows) or 0
        reserved = reserve
    left = grant.rows_per_day - (used - reserved)  # before this call's reservation
    if left <= 0:
        unreserve(grant, reserved)
        refund_call(grant)
        release(grant, key_id)
        raise Limited(
            _("The grant's rows for today are used up."),
            code="quota_exhausted",
            retry_after=seconds_to_midnight(),
        )
    if not reserve:
        return left
    if reserved > left:  # the day's last rows: the rest goes back at once
        unreserve(grant, reserved - left)
        reserved = left
    return reserved


def unreserve(grant: Grant, rows: int | None) -> None:
    """Gives back reserved rows that were not read. A counter Redis no longer holds is
    seeded from PostgreSQL, which never held them; Redis out of reach keeps them counted
    (the day's quota is then stricter, never looser, until Redis restarts)."""
    if not rows or grant.rows_per_day is None:
        return
    try:
        with contextlib.suppress(ValueError):
            counters().decr(_day_key(grant.pk, "rows"), rows)
    except RedisError:
        logger.warning("rows of grant %s not given back in Redis", grant.pk, exc_info=True)


def release(grant: Grant, key_id: int | None) -> None:
    """Gives back the rate counts of a call that was refused after admission."""
    window = int(time.time() // 60)
    for counter in [f"{PREFIX}:rate:g{grant.pk}:{window}"] + (
        [f"{PREFIX}:rate:k{key_id}:{window}"] if key_id else []
    ):
        with contextlib.suppress(ValueError):
            counters().decr(counter)


def refund_call(grant: Grant) -> None:
    if grant.calls_per_day is None:
        return
    with contextlib.suppress(ValueError):
        counters().decr(_day_key(grant.pk, "calls"))


def count_rows(grant: Grant, rows: int) -> None:
    """After `meter` has committed (a page, an export): a missing counter is seeded from
    PostgreSQL, which already holds these rows. Redis out of reach loses only the count:
    the rows were served and metered, and a restarted Redis seeds the day again."""
    if grant.rows_per_day is None or not rows:
        return
    key = _day_key(grant.pk, "rows")
    try:
        try:
            counters().incr(key, rows)
        except ValueError:
            if not counters().add(key, _day_total(grant.pk, "rows")(), 90000):
                counters().incr(key, rows)
    except RedisError:
        logger.warning("rows of grant %s not counted in Redis", grant.pk, exc_info=True)


def _meter_parts() -> tuple[str, str]:
    event, day = UsageEvent._meta.db_table, UsageDay._meta.db_table
    return (
        f"INSERT INTO {event} (request_id, grant_id, day, rows, bytes, "  # noqa: S608
        "created_at) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (request_id) DO NOTHING "
        "RETURNING grant_id, day, rows, bytes",
        f"INSERT INTO {day} AS used (grant_id, day, calls, rows, bytes) "  # noqa: S608
        "SELECT grant_id, day, 1, rows, bytes FROM event "
        "ON CONFLICT (grant_id, day) DO UPDATE SET calls = used.calls + 1, "
        "rows = used.rows + EXCLUDED.rows, bytes = used.bytes + EXCLUDED.bytes RETURNING 1",
    )


def _meter_sql() -> str:
    event, day = _meter_parts()
    return f"WITH event AS ({event}) {day}"


def meter_audited(grant: Grant, *, request_id: str, rows: int, size: int, **audit) -> None:
    """`meter` and `audit_record(**audit)` together. On PostgreSQL one statement, atomic by
    itself: the metering CTEs, then the audit INSERT (no BEGIN and COMMIT round trips);
    elsewhere both in one transaction."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            meter(grant, request_id=request_id, rows=rows, size=size)
            audit_record(**audit)
        return
    event, day = _meter_parts()
    params = [request_id, grant.pk, timezone.localdate(), rows, size, timezone.now()]
    audit_record_after(f"WITH event AS ({event}), used AS ({day}) ", params, **audit)


def meter(grant: Grant, *, request_id: str, rows: int, size: int) -> bool:
    """Adds one call, its rows and bytes to the grant's day, once per request id (False if
    this request id was already metered). Runs in the caller's transaction, as one
    statement: the event is inserted unless its request id exists, and only an inserted
    event adds to (or creates) the day's row."""
    day = timezone.localdate()
    if connection.vendor != "postgresql":  # the embedded default (SQLite): the ORM's way
        return _meter_portable(grant, request_id=request_id, day=day, rows=rows, size=size)
    with prepared_cursor(connection) as cursor:
        cursor.execute(_meter_sql(), [request_id, grant.pk, day, rows, size, timezone.now()])
        return cursor.fetchone() is not None


def _meter_portable(grant: Grant, *, request_id: str, day, rows: int, size: int) -> bool:
    """`meter` in three statements, for databases without data-modifying CTEs."""
    try:
        with transaction.atomic():
            UsageEvent.objects.create(
                request_id=request_id, grant=grant, day=day, rows=rows, bytes=size
            )
    except IntegrityError:
        return False
    added = {"calls": F("calls") + 1, "rows": F("rows") + rows, "bytes": F("bytes") + size}
    if not UsageDay.objects.filter(grant=grant, day=day).update(**added):
        try:
            with transaction.atomic():
                UsageDay.objects.create(grant=grant, day=day, calls=1, rows=rows, bytes=size)
        except IntegrityError:
            UsageDay.objects.filter(grant=grant, day=day).update(**added)
    return True


def usage_events_prune(now=None, batch: int = 10_000) -> int:
    """Deletes the per-request usage events older than DELIVERY_USAGE_EVENTS_KEEP_DAYS, in
    batches (they only make a retried write count once; the day totals, the statements
    and the audit events keep the record). Returns the rows removed."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.DELIVERY_USAGE_EVENTS_KEEP_DAYS)
    removed = 0
    while True:
        ids = list(
            UsageEvent.objects.filter(created_at__lt=cutoff)
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
        if not ids:
            return removed
        removed += UsageEvent.objects.filter(id__in=ids).delete()[0]


def rows_used(grant: Grant) -> int:
    """The rows the grant has read today (Redis, or PostgreSQL when Redis forgot)."""
    used = counters().get(_day_key(grant.pk, "rows"))
    return used if used is not None else _day_total(grant.pk, "rows")()
