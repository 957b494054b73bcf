"""Audit log benchmark (not a test, not run in CI). PostgreSQL only.

    python bench/audit.py [--seconds 8] [--verify-events 1000000] [--db bench_audit]

Drops and recreates the database --db, migrates it, then measures:
1. appends/s with 1 and 8 writer processes: the real write path (audit_record: build,
   redact, INSERT into the partitioned table whose trigger queues the event) against
   plain INSERTs of the same rows into an ordinary table with the same columns and
   indexes and no trigger, in the same run, each row its own transaction;
2. how long after the last write every event is sealed, with a sealer that runs every
   second the way Celery beat runs it;
3. sealing and verification speed on --verify-events events.
"""

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLAIN_DDL = """
DROP TABLE IF EXISTS bench_plain;
CREATE TABLE bench_plain (LIKE audit_event INCLUDING DEFAULTS);
ALTER TABLE bench_plain ALTER COLUMN id SET DEFAULT nextval('bench_plain_id');
ALTER TABLE bench_plain ADD PRIMARY KEY (id, occurred_at);
CREATE INDEX ON bench_plain (target_type, target_id);
CREATE INDEX ON bench_plain (actor_org_id, id);
CREATE INDEX ON bench_plain (target_org_id, id);
"""


def setup_django(db: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench"))
    import django

    django.setup()


def recreate_database(db: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{db}"')


def row_kwargs(writer: int, n: int) -> dict:
    from apps.audit.context import SYSTEM

    return {
        "actor": SYSTEM,
        "action": "bench.append",
        "target": ("bench.thing", f"{writer}-{n}"),
        "target_org": writer + 1,
        "data": {"writer": writer, "n": n, "note": "x" * 40},
    }


def writer_process(db, mode, writer, seconds, start, counts):
    setup_django(db)
    from django.db import connection

    from apps.audit.services import audit_record, build_event

    fields = None
    connection.ensure_connection()
    start.wait()
    deadline, n = time.perf_counter() + seconds, 0
    if mode == "chained":
        while time.perf_counter() < deadline:
            audit_record(**row_kwargs(writer, n))
            n += 1
    else:
        with connection.cursor() as cursor:
            while time.perf_counter() < deadline:
                # The same row, built the same way, written with a bare INSERT.
                event = build_event(**row_kwargs(writer, n))
                if fields is None:
                    fields = [f for f in event._meta.concrete_fields if not f.primary_key]
                    sql = (
                        f"INSERT INTO bench_plain ({', '.join(f.column for f in fields)}) "
                        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id"
                    )
                cursor.execute(sql, [getattr(event, f.attname) for f in fields])
                n += 1
    counts[writer] = n
    connection.close()


def sealer_process(db, stop):
    """What beat + a worker do: seal everything queued, once a second."""
    setup_django(db)
    from apps.audit.sealer import seal_pending

    while not stop.is_set():
        tick = time.perf_counter()
        seal_pending()
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - tick)))


def pending_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_pending")
        return cursor.fetchone()[0]


def run_phase(db, mode, writers, seconds, sealing=True) -> tuple[float, float | None]:
    from django.db import connection

    with connection.cursor() as cursor:
        # Start every phase from a fresh checkpoint so no phase pays for another's WAL.
        cursor.execute("CHECKPOINT")
    connection.close()
    ctx = mp.get_context("spawn")
    start, counts = ctx.Event(), ctx.Manager().dict()
    stop = ctx.Event()
    with_sealer = mode == "chained" and sealing
    sealer = ctx.Process(target=sealer_process, args=(db, stop)) if with_sealer else None
    procs = [
        ctx.Process(target=writer_process, args=(db, mode, w, seconds, start, counts))
        for w in range(writers)
    ]
    for p in procs + ([sealer] if sealer else []):
        p.start()
    time.sleep(3.0)  # let every process import Django and connect
    start.set()
    for p in procs:
        p.join()
    rate = sum(counts.values()) / seconds
    sealed_after = None
    if sealer:
        done = time.perf_counter()
        while pending_count():
            time.sleep(0.02)
        sealed_after = time.perf_counter() - done
        stop.set()
        sealer.join()
    return rate, sealed_after


def generate(count: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_event (occurred_at, actor_type, actor_id, actor_label, "
            " actor_org_id, actor_role, action, target_type, target_id, target_org_id, outcome,"
            " reason, request_id, ip, user_agent, retention, data, changes) "
            "SELECT now(), 'user', (g %% 500)::text, 'user' || (g %% 500), g %% 40, 'admin',"
            " 'grant.approve', 'grants.grant', g::text, g %% 40, 'allowed', '',"
            " md5(g::text), '10.0.0.' || (g %% 250), 'Mozilla/5.0 bench', 'record',"
            ' \'{"note":"\' || md5(g::text) || \'"}\', \'{"status":["a","b"]}\' '
            "FROM generate_series(1, %s) AS g",
            [count],
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="bench_audit")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--verify-events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writers", default="1,8")
    parser.add_argument("--no-sealer", action="store_true", help="chained writes only")
    args = parser.parse_args()

    recreate_database(args.db)
    setup_django(args.db)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE bench_plain_id")
        cursor.execute(PLAIN_DDL)
    connection.close()

    print(f"PostgreSQL {connection.pg_version}, {os.cpu_count()} CPUs, {args.seconds:.0f} s/phase")
    # Plain and chained phases alternate, in both orders, so that drift in the machine's
    # fsync latency (shared disk) hits both alike; figures are totals over all rounds.
    for writers in [int(w) for w in args.writers.split(",") if w]:
        totals = {"plain": [], "chained": []}
        sealed_after = []
        for round_ in range(args.rounds):
            order = ("plain", "chained") if round_ % 2 == 0 else ("chained", "plain")
            for mode in order:
                rate, sealed = run_phase(args.db, mode, writers, args.seconds, not args.no_sealer)
                totals[mode].append(rate)
                if sealed is not None:
                    sealed_after.append(sealed)
        plain = sum(totals["plain"]) / args.rounds
        chained = sum(totals["chained"]) / args.rounds
        rounds = "  ".join(
            f"{p:,.0f}/{c:,.0f}" for p, c in zip(totals["plain"], totals["chained"], strict=True)
        )
        sealing = (
            f"all sealed at most {max(sealed_after):.2f} s after the last write"
            if sealed_after
            else "sealer off"
        )
        print(
            f"{writers} writer(s): plain {plain:,.0f}/s  chained {chained:,.0f}/s  "
            f"ratio {chained / plain:.2f}  {sealing}  (rounds plain/chained: {rounds})"
        )

    from apps.audit.sealer import seal_pending
    from apps.audit.verify import verify_chain

    seal_pending()
    missing = max(0, args.verify_events - verify_chain().count)
    started = time.perf_counter()
    generate(missing)
    took = time.perf_counter() - started
    print(f"generated {missing:,} more events with one INSERT ... SELECT in {took:.1f} s")
    started = time.perf_counter()
    sealed = seal_pending(batch_size=10_000)
    took = time.perf_counter() - started
    print(f"sealed {sealed:,} events in {took:.1f} s: {sealed / took:,.0f} events/s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE audit_event")
        cursor.execute("VACUUM ANALYZE audit_seal")
    started = time.perf_counter()
    result = verify_chain()
    took = time.perf_counter() - started
    print(result.summary)
    print(f"verified {result.count:,} events in {took:.2f} s: {result.count / took:,.0f} events/s")


if __name__ == "__main__":
    main()
