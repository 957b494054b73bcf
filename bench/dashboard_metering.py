"""Metered rows for bench/dashboard.py, generated inside PostgreSQL (generate_series in a
few large INSERT ... SELECT statements, no Python loop; nothing the app relies on is
dropped or disabled: every index and constraint stays in place).

- UsageEvent: `count` served requests (unique request_id) over the bench's grants, a few
  grants carrying most of the traffic, on the last DAYS days (Asia/Shanghai dates, as
  the app meters them), with rows and bytes.
- UsageDay: the per-grant-per-day aggregates, computed FROM those events (GROUP BY).
- Statement (+ StatementLine): a statement per merchant, product and month computed from
  the UsageDay rows at a flat per-call price (the current month provisional, the past
  ones final; added to a demo merchant's own statement of that month), so the revenue
  figure has amounts.
- Alert: ALERTS alerts over the last ALERT_DAYS days, every rule and status.
"""

import time
from datetime import timedelta
from decimal import Decimal

DAYS = 365
CHUNK = 2_000_000  # events per INSERT ... SELECT
PRICE = Decimal("0.05")  # yuan per call on the generated statements
ALERTS = 5_000
ALERT_DAYS = 180


def load(count: int, today, demo_last: int) -> None:
    """Meters the grants of the applications after `demo_last` (the bench's: the demo's
    own usage and statements stay as seed_demo made them)."""
    from django.db import connection, transaction

    from apps.delivery.choices import AlertRule, AlertStatus, Severity
    from apps.delivery.models import Alert, Statement, StatementLine, UsageDay, UsageEvent
    from apps.grants.models import Grant

    event, usage_day = UsageEvent._meta.db_table, UsageDay._meta.db_table
    grant, statement = Grant._meta.db_table, Statement._meta.db_table
    line, alert = StatementLine._meta.db_table, Alert._meta.db_table
    first = today - timedelta(days=DAYS - 1)
    with connection.cursor() as cursor:
        # The grants numbered 1..n in a random order; power(random(), 3) below sends most
        # requests to the low numbers: a few busy grants, a long tail of quiet ones.
        cursor.execute(
            f"CREATE TEMP TABLE bench_grant AS SELECT row_number() OVER (ORDER BY md5(id::text))"
            f" AS n, id FROM {grant} WHERE application_id > %s",
            [demo_last],
        )
        cursor.execute("ALTER TABLE bench_grant ADD PRIMARY KEY (n)")
        cursor.execute("SELECT count(*) FROM bench_grant")
        grants = cursor.fetchone()[0]
        assert grants, "no grant to meter"
        done = 0
        while done < count:
            size = min(CHUNK, count - done)
            started = time.perf_counter()
            with transaction.atomic():
                cursor.execute(
                    f"""
                    INSERT INTO {event} (request_id, grant_id, day, rows, bytes, created_at)
                    SELECT 'bench-' || lpad(s.i::text, 10, '0'), g.id, s.day, s.rows,
                           s.rows * 180 + 400 + floor(random() * 200)::int,
                           least((s.day + random() * interval '1 day')::timestamp
                               AT TIME ZONE 'Asia/Shanghai', now())
                    FROM (
                        SELECT i,
                               1 + floor(%(grants)s * power(random(), 3))::int AS n,
                               %(first)s::date + floor(random() * %(days)s)::int AS day,
                               floor(random() * random() * 500)::int AS rows
                        FROM generate_series(%(start)s, %(stop)s) AS i
                    ) s
                    JOIN bench_grant g ON g.n = s.n
                    """,
                    {
                        "grants": grants,
                        "first": first,
                        "days": DAYS,
                        "start": done + 1,
                        "stop": done + size,
                    },
                )
            done += size
            print(
                f"  usage events {done:,}/{count:,}: +{size:,} in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(
                f"""
                INSERT INTO {usage_day} (grant_id, day, calls, rows, bytes)
                SELECT grant_id, day, count(*), sum(rows), sum(bytes)
                FROM {event} WHERE grant_id IN (SELECT id FROM bench_grant)
                GROUP BY grant_id, day
                """
            )
        print(f"  usage days (GROUP BY) in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute("SET LOCAL work_mem = '256MB'")
            month = today.replace(day=1)
            cursor.execute(
                f"""
                INSERT INTO {statement}
                    (merchant_id, product_id, month, status, calls, rows, bytes, amount,
                     generated_at)
                SELECT g.merchant_id, g.product_id, date_trunc('month', d.day)::date AS m,
                       CASE WHEN date_trunc('month', d.day)::date = %(month)s
                            THEN 'provisional' ELSE 'final' END,
                       sum(d.calls), sum(d.rows), sum(d.bytes), sum(d.calls) * %(price)s,
                       now()
                FROM {usage_day} d JOIN {grant} g ON g.id = d.grant_id
                WHERE g.id IN (SELECT id FROM bench_grant)
                GROUP BY g.merchant_id, g.product_id, m
                ON CONFLICT (merchant_id, product_id, month) DO UPDATE SET
                    calls = {statement}.calls + EXCLUDED.calls,
                    rows = {statement}.rows + EXCLUDED.rows,
                    bytes = {statement}.bytes + EXCLUDED.bytes,
                    amount = {statement}.amount + EXCLUDED.amount
                """,
                {"month": month, "price": PRICE},
            )
            cursor.execute(
                f"""
                INSERT INTO {line}
                    (statement_id, grant_id, use_type, pricing_model, price, calls, rows,
                     bytes, amount)
                SELECT s.id, d.grant_id, 'industrial', 'per_call', %(price)s,
                       sum(d.calls), sum(d.rows), sum(d.bytes), sum(d.calls) * %(price)s
                FROM {usage_day} d
                JOIN {grant} g ON g.id = d.grant_id
                JOIN {statement} s ON s.merchant_id = g.merchant_id
                    AND s.product_id = g.product_id
                    AND s.month = date_trunc('month', d.day)::date
                WHERE g.id IN (SELECT id FROM bench_grant)
                GROUP BY s.id, d.grant_id
                """,
                {"price": PRICE},
            )
            rules, statuses = list(AlertRule.values), list(AlertStatus.values)
            severities = list(Severity.values)
            cursor.execute(
                f"""
                INSERT INTO {alert}
                    (rule, grant_id, severity, status, "window", dedupe_key, params,
                     evidence, event_ids, action, created_at, note)
                SELECT (%(rules)s::text[])[1 + i %% cardinality(%(rules)s::text[])],
                       g.id,
                       (%(severities)s::text[])[1 + i %% cardinality(%(severities)s::text[])],
                       (%(statuses)s::text[])[1 + (i / 7) %% cardinality(%(statuses)s::text[])],
                       'bench-' || i, 'bench|' || i, '{{}}', '{{}}', '[]', 'none',
                       now() - random() * %(days)s * interval '1 day', ''
                FROM generate_series(1, %(alerts)s) AS i
                JOIN bench_grant g ON g.n = 1 + (i * 7919) %% %(grants)s
                """,
                {
                    "rules": rules,
                    "severities": severities,
                    "statuses": statuses,
                    "days": ALERT_DAYS,
                    "alerts": ALERTS,
                    "grants": grants,
                },
            )
        print(f"  statements and alerts in {time.perf_counter() - started:.1f} s", flush=True)
        cursor.execute("DROP TABLE bench_grant")


def sizes() -> str:
    from apps.delivery.models import Alert, Statement, UsageDay, UsageEvent

    # Exact counts; the 10 million events take a few seconds.
    return (
        f"usage events: {UsageEvent.objects.count():,}  "
        f"usage days: {UsageDay.objects.count():,}  "
        f"statements: {Statement.objects.count():,}  alerts: {Alert.objects.count():,}"
    )
