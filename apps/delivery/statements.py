"""Monthly statements (apps.delivery.models.statements), the only writer.

`statements_generate(month=..., final=...)` computes every statement of the month from
the metered days (UsageDay) and the grants' frozen pricing (apps.delivery.pricing), and
writes them idempotently: one row per merchant × product × month and one line per
grant (unique constraints), rows updated only when a figure changed, lines of grants no
longer in the month removed. The monthly beat run closes the previous month (final);
a provisional run (beat, or on demand) refreshes the current month and never touches a
final statement. One run of a month at a time (a transaction-scoped advisory lock on
PostgreSQL), so beat and an on-demand run never race. Afterwards each affected
agreement's revenue is checked against its cap (apps.delivery.revenue).
"""

from collections import defaultdict
from datetime import date, datetime, time

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Min, OuterRef, Subquery, Sum
from django.utils import timezone

from apps.audit.services import audit_record
from apps.delivery import pricing
from apps.delivery.choices import StatementStatus
from apps.delivery.models import Statement, StatementLine, UsageDay
from apps.grants.choices import GrantStatus
from apps.grants.models import Grant
from apps.products.choices import PricingModel
from apps.workflow.models import StatusHistory

ENDED = (GrantStatus.REVOKED, GrantStatus.SUPERSEDED, GrantStatus.EXPIRED)
FIGURES = ("calls", "rows", "bytes", "amount")
# "stmt" in ASCII, plus the month: one generation of a month at a time.
LOCK_BASE = 0x73746D74 << 24


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    first = month_start(day)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _usage(month: date) -> dict[int, dict]:
    rows = (
        UsageDay.objects.filter(day__gte=month, day__lt=next_month(month))
        .values("grant_id")
        .order_by("grant_id")
        .annotate(calls=Sum("calls"), rows=Sum("rows"), bytes=Sum("bytes"))
    )
    return {r["grant_id"]: r for r in rows}


def _subscribed(month: date) -> set[int]:
    """Per grant number, the latest version live during the month (its term overlaps the
    month, and it had not been revoked, replaced or expired before the month began):
    that line carries the month's subscription, once per number."""
    start, end = _aware(month), _aware(next_month(month))
    ended = (
        StatusHistory.objects.filter(
            content_type=ContentType.objects.get_for_model(Grant),
            object_id=OuterRef("pk"),
            to_status__in=ENDED,
        )
        .order_by()
        .values("object_id")
        .annotate(at=Min("created_at"))
        .values("at")
    )
    live = (
        Grant.objects.filter(scope__pricing_model=PricingModel.SUBSCRIPTION)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .annotate(ended_at=Subquery(ended))
        .values_list("pk", "number", "version", "status", "ended_at")
    )
    latest: dict[str, tuple[int, int]] = {}
    for pk, number, version, status, ended_at in live:
        if status in ENDED and ended_at is not None and ended_at <= start:
            continue
        if number not in latest or version > latest[number][0]:
            latest[number] = (version, pk)
    return {pk for _version, pk in latest.values()}


def compute(month: date) -> dict[tuple[int, int], list[dict]]:
    """{(merchant_id, product_id): [line figures per grant]} for the month."""
    month = month_start(month)
    usage = _usage(month)
    subscribed = _subscribed(month)
    grants = Grant.objects.filter(pk__in=set(usage) | subscribed).select_related("product")
    statements: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for grant in grants.order_by("pk"):
        used = usage.get(grant.pk, {})
        terms = pricing.terms_of(grant)
        calls, rows = used.get("calls", 0), used.get("rows", 0)
        statements[(grant.merchant_id, grant.product_id)].append(
            {
                "grant_id": grant.pk,
                "use_type": terms.use_type,
                "pricing_model": terms.pricing_model,
                "price": terms.price,
                "calls": calls,
                "rows": rows,
                "bytes": used.get("bytes", 0),
                "amount": pricing.amount(
                    terms, calls=calls, rows=rows, subscribed=grant.pk in subscribed
                ),
            }
        )
    return statements


def _changed(row, values: dict) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


def _write_lines(statement: Statement, lines: list[dict]) -> None:
    existing = {line.grant_id: line for line in statement.lines.all()}
    for figures in lines:
        values = {k: v for k, v in figures.items() if k != "grant_id"}
        line = existing.pop(figures["grant_id"], None)
        if line is None:
            StatementLine.objects.create(
                statement=statement, grant_id=figures["grant_id"], **values
            )
        elif _changed(line, values):
            StatementLine.objects.filter(pk=line.pk).update(**values)
    if existing:
        StatementLine.objects.filter(pk__in=[line.pk for line in existing.values()]).delete()


@transaction.atomic
def statements_generate(*, month: date, final: bool, actor=None) -> list[Statement]:
    """Writes the month's statements (see the module's docstring); returns them."""
    from apps.delivery import revenue

    month = month_start(month)
    if connection.vendor == "postgresql":  # SQLite's write lock serializes anyway
        with connection.cursor() as cursor:
            lock = LOCK_BASE + month.year * 12 + month.month
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
    status = StatementStatus.FINAL if final else StatementStatus.PROVISIONAL
    computed = compute(month)
    current = {
        (s.merchant_id, s.product_id): s
        for s in Statement.objects.select_for_update().filter(month=month)
    }
    written = []
    for key, lines in sorted(computed.items()):
        statement = current.pop(key, None)
        if statement is not None and statement.status == StatementStatus.FINAL and not final:
            continue  # a closed month stays as it was closed
        totals = {name: sum(line[name] for line in lines) for name in FIGURES}
        values = {"status": status, **totals}
        if statement is None:
            statement = Statement.objects.create(
                merchant_id=key[0], product_id=key[1], month=month, **values
            )
        elif _changed(statement, values):
            Statement.objects.filter(pk=statement.pk).update(generated_at=timezone.now(), **values)
        _write_lines(statement, lines)
        written.append(statement)
    stale = [s.pk for s in current.values() if final or s.status != StatementStatus.FINAL]
    if stale:
        Statement.objects.filter(pk__in=stale).delete()
    audit_record(
        actor=actor,
        action="delivery.statements.generate",
        data={"month": month.isoformat(), "status": status, "statements": len(written)},
    )
    revenue.revenue_review_products({key[1] for key in computed})
    return list(Statement.objects.filter(pk__in=[s.pk for s in written]))


def statements_close_previous(today: date | None = None) -> list[Statement]:
    """Monthly beat: the previous month's final statements."""
    today = today or timezone.localdate()
    return statements_generate(month=previous_month(today), final=True)


def statements_refresh_current(today: date | None = None, actor=None) -> list[Statement]:
    """Beat and on demand: the current month's provisional statements."""
    today = today or timezone.localdate()
    return statements_generate(month=today, final=False, actor=actor)
