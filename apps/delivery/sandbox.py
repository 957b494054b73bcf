"""Sandbox queries of a grant: one SELECT over the grant's scoped view, released only when
every one of its groups holds at least SANDBOX_K source rows, refused otherwise (README
"Sandbox queries").

`sandbox_query(grant=, user=, key=, sql=)` is the only code that runs one, for the API
and the portal alike. It checks that the grant includes the sandbox delivery mode and is
usable now, admits the call (the grant's rate and daily calls, apps.delivery.quotas),
runs the query on a locked in-process DuckDB that holds nothing but the grant's scoped
data (apps.delivery.scoped), and records the query in the history (SandboxQuery) and the
audit log, accepted or refused, with its refusal code. Neither records result data.
A refused query counts against the rate but not against the day's calls.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record, audit_record_denial
from apps.core.exceptions import DomainError, PermissionDeniedError
from apps.delivery import quotas
from apps.delivery.models import SandboxDecision, SandboxQuery
from apps.delivery.scoped import ScopedData, scoped_data
from apps.grants.access import refusal
from apps.grants.models import Grant
from apps.products.choices import DeliveryMode
from apps.security.sandbox import MAX_SQL_CHARS, QueryRefused
from apps.security.sandbox_run import run_query as run_checked
from apps.security.sandbox_run import sandbox_connection

logger = logging.getLogger(__name__)

AUDIT_ACTION = "delivery.sandbox.query"
# The refusals the rows decide, not the SQL's form: each one answers a yes/no question
# about the data, so a grant has SANDBOX_DATA_REFUSALS_PER_DAY of them a day.
DATA_REFUSALS = (
    "sql_base_below_k",
    "sql_complement_below_k",
    "sql_differencing",
    "sql_one_row_aggregate",
    "sql_suppressed_below_k",
    "sql_execution_error",
    "sql_timeout",
)
VIEW_NAME = "grant_data"
MAX_AUDITED_SQL = 1000


@dataclass(frozen=True)
class SandboxAnswer:
    record: SandboxQuery
    columns: list[str]
    rows: list[tuple]


def sandbox_allowed(grant: Grant) -> bool:
    return DeliveryMode.SANDBOX_ONLY in (grant.scope.get("delivery_modes") or [])


def grant_refusal(grant: Grant) -> tuple[str, str] | None:
    """Why the grant cannot be queried now (code, message), or None."""
    if not sandbox_allowed(grant):
        return "delivery_mode_not_granted", _("The grant does not include sandbox queries.")
    return refusal(grant)


def view_columns(scoped: ScopedData) -> list[dict]:
    """The view's columns with their DuckDB types and masking, for the query editor."""
    connection = sandbox_connection(scoped.path, VIEW_NAME)
    try:
        rows = connection.execute(f"DESCRIBE {VIEW_NAME}").fetchall()
        types = {row[0]: row[1] for row in rows}
    finally:
        connection.close()
    return [
        {"name": f.name, "type": types.get(f.name, ""), "masking": f.masking}
        for f in scoped.columns
    ]


def _actor(user, key):
    return key if key is not None else user


def _digest(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8", "replace")).hexdigest()


def storable(text: str) -> str:
    """`text` as PostgreSQL can keep it: no NUL, no lone surrogate (the query itself is
    checked as sent; only what is recorded of it is changed)."""
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _record(grant, user, key, sql, started, *, version=None, **fields) -> SandboxQuery:
    return SandboxQuery.objects.create(
        grant=grant,
        user=user,
        api_key=key,
        dataset_version=version,
        sql=storable(sql[: MAX_SQL_CHARS + 1]),
        duration_ms=int((time.monotonic() - started) * 1000),
        **fields,
    )


def _refused(grant, user, key, sql, started, problem: DomainError, version=None) -> None:
    """The history row and the audit record of a refused query; marks the error audited."""
    code, message = storable(str(problem.code)[:64]), storable(str(problem.message)[:500])
    record = _record(
        grant, user, key, sql, started, version=version,
        decision=SandboxDecision.REFUSED, refusal_code=code, refusal_message=message,
    )  # fmt: skip
    audit_record_denial(
        actor=_actor(user, key),
        action=AUDIT_ACTION,
        target=grant,
        target_org=grant.merchant_id,
        reason=code,
        data={
            "query": record.pk,
            "sql": storable(sql[:MAX_AUDITED_SQL]),
            "sql_sha256": _digest(sql),
            "decision": SandboxDecision.REFUSED,
            "version": getattr(version, "pk", None),
        },
    )
    problem.audited = True


def data_refusals_today(grant: Grant) -> int:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return SandboxQuery.objects.filter(
        grant=grant,
        decision=SandboxDecision.REFUSED,
        created_at__gte=start,
        refusal_code__in=DATA_REFUSALS,
    ).count()


def require_refusals_left(grant: Grant) -> None:
    """Refuses (429 until midnight) a grant that has had its day's refusals decided by
    the data: past that, refusals would go on answering questions about single rows."""
    if data_refusals_today(grant) >= settings.SANDBOX_DATA_REFUSALS_PER_DAY:
        raise quotas.Limited(
            _(
                "The grant has had today's %(n)d refusals that depend on the data; sandbox "
                "queries resume tomorrow."
            )
            % {"n": settings.SANDBOX_DATA_REFUSALS_PER_DAY},
            code="sandbox_refusals_spent",
            retry_after=quotas.seconds_to_midnight(),
        )


def earlier_queries(grant: Grant, scoped: ScopedData) -> list[str]:
    """The distinct SQL of the grant's latest accepted queries over the same source,
    newest first (at most SANDBOX_DIFFERENCING_HISTORY): a new query may not differ from
    any of them by fewer than k rows (apps.security.sandbox_run._check_differencing)."""
    limit = settings.SANDBOX_DIFFERENCING_HISTORY
    texts = (
        SandboxQuery.objects.filter(
            grant=grant,
            decision=SandboxDecision.ACCEPTED,
            dataset_version__resource_id=scoped.source.resource_id,
        )
        .order_by("-id")
        .values_list("sql", flat=True)[: limit * 4]
    )
    return list(dict.fromkeys(texts))[:limit]


def older_queries(grant: Grant, scoped: ScopedData, skip: list[str]) -> list[tuple]:
    """(SQL, set sizes) of the grant's other accepted queries over the same source, newest
    first (the latest SANDBOX_DIFFERENCING_NEAR_SCAN): compared when near in size."""
    rows = (
        SandboxQuery.objects.filter(
            grant=grant,
            decision=SandboxDecision.ACCEPTED,
            dataset_version__resource_id=scoped.source.resource_id,
        )
        .exclude(set_sizes=[])
        .order_by("-id")
        .values_list("sql", "set_sizes")[: settings.SANDBOX_DIFFERENCING_NEAR_SCAN]
    )
    skipped = set(skip)
    return [(sql, sizes) for sql, sizes in rows if sql not in skipped]


def _run(scoped: ScopedData, sql: str, max_rows: int, earlier: list[str], older=()):
    connection = sandbox_connection(
        scoped.path, VIEW_NAME, memory_limit=settings.SANDBOX_MEMORY_LIMIT
    )
    try:
        return run_checked(
            connection,
            sql,
            view=VIEW_NAME,
            k=settings.SANDBOX_K,
            max_limit=max_rows,
            timeout=settings.SANDBOX_TIMEOUT_SECONDS,
            earlier=earlier,
            older=older,
        )
    except DomainError:
        raise
    except Exception:
        # The checker met SQL it cannot handle (deep nesting, say): refused, never a 500.
        logger.exception("sandbox query could not be checked")
        raise QueryRefused(_("The query could not be checked."), code="sql_unsupported") from None
    finally:
        connection.close()


def sandbox_query(*, grant: Grant, user, key=None, sql: str, source=None) -> SandboxAnswer:
    """Runs one sandbox query of the grant's holder (`user`, or `key` bound to the
    grant). Raises the refusal (a DomainError with its code, already audited) after
    recording it; returns the released groups otherwise."""
    started = time.monotonic()
    sql = sql if isinstance(sql, str) else ""
    problem = grant_refusal(grant)
    if problem:
        error = PermissionDeniedError(problem[1], code=problem[0])
        _refused(grant, user, key, sql, started, error)
        raise error
    key_id = getattr(key, "pk", None)
    try:
        rows_left = quotas.admit(grant, key_id)
    except quotas.Limited as limited:
        _refused(grant, user, key, sql, started, limited)
        raise
    try:
        running = Running(grant)
    except quotas.Limited as busy:
        quotas.refund_call(grant)
        _refused(grant, user, key, sql, started, busy)
        raise
    with running:
        return _checked_run(grant, user, key, sql, source, started, rows_left)


class Running:
    """One sandbox query of a grant at a time, from its check to its record (a Redis key,
    expiring should the process die): two at once would each be checked against a
    history without the other (differencing) and against a count of the day's refusals
    without the other's (the budget). Another is refused meanwhile: 429 sandbox_busy."""

    def __init__(self, grant: Grant):
        self.name = f"{quotas.PREFIX}:sandbox-running:{grant.pk}"
        most = int(settings.SANDBOX_TIMEOUT_SECONDS * 6) + 60  # its statements, and more
        if not quotas.counters().add(self.name, 1, most):
            raise quotas.Limited(
                _("Another sandbox query of this grant is running; try again in a moment."),
                code="sandbox_busy",
                retry_after=2,
            )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        quotas.counters().delete(self.name)


def _checked_run(grant, user, key, sql, source, started, rows_left) -> SandboxAnswer:
    version = None
    try:
        if not sql.strip():
            raise QueryRefused(_("Write a query."), code="sql_required")
        require_refusals_left(grant)
        scoped = scoped_data(grant, source)
        version = scoped.version
        max_rows = settings.SANDBOX_MAX_ROWS
        limit = max_rows if rows_left is None else min(max_rows, rows_left)
        earlier = earlier_queries(grant, scoped)
        result = _run(scoped, sql, limit, earlier, older_queries(grant, scoped, earlier))
    except DomainError as refused:
        quotas.refund_call(grant)  # the rate keeps counting it: refusals are no free probe
        _refused(grant, user, key, sql, started, refused, version)
        raise
    with transaction.atomic():
        record = _record(
            grant, user, key, sql, started, version=version,
            decision=SandboxDecision.ACCEPTED, rows_released=len(result.rows),
            set_sizes=result.set_sizes,
        )  # fmt: skip
        quotas.meter(grant, request_id=f"sandbox:{record.pk}", rows=len(result.rows), size=0)
        quotas.count_rows(grant, len(result.rows))
        audit_record(
            actor=_actor(user, key),
            action=AUDIT_ACTION,
            target=grant,
            target_org=grant.merchant_id,
            data={
                "query": record.pk,
                "sql": storable(sql[:MAX_AUDITED_SQL]),
                "sql_sha256": _digest(sql),
                "decision": SandboxDecision.ACCEPTED,
                "source": version.resource_id,
                "version": version.pk,
                "rows": len(result.rows),
                "duration_ms": record.duration_ms,
            },
        )
    return SandboxAnswer(record=record, columns=result.columns, rows=result.rows)
