"""Delivery benchmark (not a test, not run in CI). PostgreSQL and Redis.

    python bench/delivery.py [--rows 1000000] [--seconds 10] [--db bench_delivery]
                             [--redis redis://127.0.0.1:6379/12] [--parts a,b,c] [--http]
                             [--clients N]

Drops and recreates the database --db, migrates it, builds a real grant (the same
helpers as the fuzz world: provider, operator, agreement, listed product, application
approved by the operator and the regulator, a key bound to the grant), publishes a
--rows dataset with personal fields (Parquet, as a DatasetVersion of the resource) and
loads the same rows into an indexed PostgreSQL table. Then, in one run, through the whole
Django stack (the test client: middleware, authentication, the key guard):
1. the governed record API: 100-row pages following the keyset cursor, the grant's row
   filter, masking of legal_rep, watermark, rate/quota counters in Redis, metering and
   an audit event per page;
2. a plain Django view serving the same 100-row pages by keyset from the PostgreSQL table,
   no authentication, no checks;
in turns, five rounds of --seconds/5 each, and prints each side's best round (requests/s)
and their ratio (part a). With --http, part (a) is measured again over HTTP: both views
served by gunicorn (one gthread worker, one thread, keep-alive, as `config.wsgi` runs in
production) to one client in this process, what a merchant's program meets; with
--clients N, again with N clients at once against a gunicorn shaped as in production.
Then (parts b and c) the
grant's whole scope as a masked, watermarked CSV through the export job
(apps.delivery.exports, run in this process) against DuckDB's own
`COPY (SELECT ...) TO 'x.csv'` of the same rows unmasked, from the same DuckDB copy:
rows/s of each, and the peak memory of each: Python's (tracemalloc) and the process's
resident set above where it started (psutil, sampled every 20 ms). Each side runs twice:
timed without tracemalloc (which slows every Python allocation several times over and
DuckDB's C++ not at all), then again under tracemalloc for Python's peak. Run it at --rows
1000000 and 4000000 to see whether memory stays flat. Uses --redis's database (FLUSHDB
at the start).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGE = 100
ROUNDS = 5  # exports and COPYs: each side's best of this many


def setup_django(db: str, redis: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ["REDIS_URL"] = redis
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench-delivery"))
    import django
    from django.conf import settings

    settings.ROOT_URLCONF = "__main__"
    django.setup()


def recreate_database(db: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{db}"')


def plain_page(request):
    """The baseline: the same rows from PostgreSQL by keyset, nothing checked."""
    from django.db import connection
    from django.http import JsonResponse

    after = int(request.GET.get("after", "-1"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, credit_code, legal_rep, reg_capital FROM bench_rows "
            "WHERE id > %s ORDER BY id LIMIT %s",
            [after, PAGE],
        )
        rows = cursor.fetchall()
    results = [{"credit_code": c, "legal_rep": n, "reg_capital": str(r)} for _i, c, n, r in rows]
    return JsonResponse({"results": results, "next": rows[-1][0] if rows else None})


def _urlpatterns():
    from django.urls import path

    from config.urls import urlpatterns as platform

    return [path("bench/plain/", plain_page), *platform]


def make_rows(rows: int):
    import pyarrow as pa
    import pyarrow.compute as pc

    index = pa.array(range(rows), pa.int64())
    names = pa.array(["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九"])
    return pa.table(
        {
            "credit_code": pc.binary_join_element_wise(
                "91450100MA", pc.utf8_lpad(pc.cast(index, pa.string()), 8, "0"), ""
            ),
            "legal_rep": pc.binary_join_element_wise(
                pc.take(names, pc.remainder(index, 7)), "某", ""
            ),
            "reg_capital": pc.cast(
                pc.cast(pc.remainder(index, 1001), pa.int32()), pa.decimal128(18, 2)
            ),
        }
    )


def publish(resource, table, path: Path):
    import hashlib

    import pyarrow.parquet as pq

    from apps.catalog.models import DatasetVersion

    pq.write_table(table, path)
    version = DatasetVersion.objects.create(
        resource=resource,
        number=resource.versions.count() + 1,
        parquet_path=str(path),
        row_count=table.num_rows,
        byte_size=path.stat().st_size,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        schema=[
            {"name": "credit_code", "type": "string"},
            {"name": "legal_rep", "type": "string"},
            {"name": "reg_capital", "type": "decimal"},
        ],
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])


def load_postgres(table) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_rows (id bigint PRIMARY KEY, credit_code text, "
            "legal_rep text, reg_capital numeric(18, 2))"
        )
        raw = cursor.cursor
        columns = table.to_pydict()
        with raw.copy("COPY bench_rows FROM STDIN") as copy:
            for i, row in enumerate(
                zip(
                    columns["credit_code"],
                    columns["legal_rep"],
                    columns["reg_capital"],
                    strict=True,
                )
            ):
                copy.write_row((i, *row))
        cursor.execute("CREATE INDEX ON bench_rows (credit_code)")
        cursor.execute("ANALYZE bench_rows")


def build(rows: int, data_dir: Path, postgres: bool = True):
    from apps.catalog.models import DataResource
    from apps.grants.models import Grant
    from tests.security import fuzz_world

    fuzz_world.build_world(data_dir)
    grant = Grant.objects.get(pk=fuzz_world.RECORDS["grant"])
    Grant.objects.filter(pk=grant.pk).update(
        rate_per_minute=10**9, calls_per_day=10**9, rows_per_day=10**12
    )
    resource = DataResource.objects.get(pk=grant.scope["sources"][0]["resource"])
    table = make_rows(rows)
    publish(resource, table, data_dir / "bench.parquet")
    if postgres:
        load_postgres(table)
    return grant, fuzz_world.RECORDS["headers"]["Authorization"]


def measure(client, first_url, next_url, seconds: float, cursor=None, **headers):
    """(requests/s, rows, the cursor to go on from) of `seconds` of pages in a row."""
    done, rows = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        response = client.get(next_url(cursor) if cursor else first_url, **headers)
        assert response.status_code == 200, response.content[:300]
        body = json.loads(response.content)
        rows += len(body["results"])
        cursor = body["next"]
        done += 1
    return done / (time.perf_counter() - start), rows, cursor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--db", default="bench_delivery")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--parts", default="a,b,c", help="a: record API; b,c: export")
    parser.add_argument("--http", action="store_true", help="part a over HTTP (gunicorn) too")
    parser.add_argument(
        "--clients", type=int, default=0,
        help="part a over HTTP again with this many clients at once, served as in production "
        "(platform/gunicorn.conf.py: 2 x CPUs + 1 gthread workers, 4 threads each)",
    )  # fmt: skip
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    recreate_database(args.db)
    setup_django(args.db, args.redis)
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from apps.delivery.quotas import counters

    setup_test_environment()  # the test client; DEBUG stays off
    globals()["urlpatterns"] = _urlpatterns()  # ROOT_URLCONF is this module
    call_command("migrate", verbosity=0)
    counters().clear()
    data_dir = Path(os.environ["DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    grant, authorization = build(args.rows, data_dir, postgres="a" in parts)
    print(f"built {args.rows:,} rows in {time.perf_counter() - started:.1f}s")
    if "a" in parts:
        record_api(grant, authorization, args.seconds)
        if args.http:
            with gunicorn(args.db, args.redis) as client:
                record_api(grant, authorization, args.seconds, client=client, label="over HTTP")
        if args.clients:
            workers, threads = (os.cpu_count() or 1) * 2 + 1, 4
            with gunicorn(args.db, args.redis, workers, threads) as client:
                clients = [client, *(client.another() for _ in range(args.clients - 1))]
                record_api_together(grant, authorization, args.seconds, clients, workers, threads)
    if parts & {"b", "c"}:
        export_parts(grant, data_dir)


def wsgi():
    """gunicorn's application (`bench.delivery:wsgi()`): the platform and the plain view,
    on the database and Redis the parent process set up (environment)."""
    setup_django(os.environ["BENCH_DB"], os.environ["REDIS_URL"])
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = __name__
    globals()["urlpatterns"] = _urlpatterns()
    return get_wsgi_application()


class HttpClient:
    """`get(url, **headers)` over one keep-alive HTTP connection, as the test client's."""

    def __init__(self, port: int):
        import http.client

        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.connection.connect()
        self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def get(self, url: str, **headers):
        names = {k.removeprefix("HTTP_").replace("_", "-").title(): v for k, v in headers.items()}
        self.connection.request("GET", url, headers=names)
        response = self.connection.getresponse()
        response.status_code, response.content = response.status, response.read()
        return response

    def another(self) -> "HttpClient":
        """A client of the same server on a connection of its own."""
        return HttpClient(self.port)


class gunicorn:
    """A gunicorn serving `wsgi()` for the block: one gthread worker with one thread,
    its sockets without Nagle's delay (the headers and the body are two writes: with the
    client's delayed ACK, each response would wait milliseconds, on both sides)."""

    HOOKS = (
        "import socket\n"
        "def when_ready(server):\n"
        "    for listener in server.LISTENERS:\n"
        "        listener.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)\n"
    )

    def __init__(self, db: str, redis: str, workers: int = 1, threads: int = 1):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.config = Path(os.environ["DATA_DIR"]) / "gunicorn_bench.py"
        self.config.write_text(self.HOOKS)
        # Connections kept between requests, as in production (config.settings.production).
        env = {**os.environ, "BENCH_DB": db, "REDIS_URL": redis, "DATABASE_CONN_MAX_AGE": "60"}
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "bench.delivery:wsgi()",
             "--chdir", str(ROOT), "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "60",
             "--log-level", "warning", "--config", str(self.config)],
            env=env,
        )  # fmt: skip

    def __enter__(self) -> HttpClient:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        return HttpClient(self.port)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def record_api(grant, authorization: str, seconds: float, client=None, label="") -> None:
    from urllib.parse import quote

    from django.test import Client

    from apps.audit.models import AuditEvent

    client = client or Client()
    if label:
        print(f"-- {label}")
    records = f"/api/v1/grants/{grant.pk}/records/"
    first = f"{records}?page_size={PAGE}"

    def governed_next(cursor):
        return f"{first}&cursor={quote(cursor)}"

    started = time.perf_counter()
    client.get(first, HTTP_AUTHORIZATION=authorization)  # builds the DuckDB copy once
    print(f"DuckDB copy built in {time.perf_counter() - started:.1f}s")
    audited = AuditEvent.objects.filter(action="delivery.records.read").count()
    # The two sides in turns, ROUNDS times, each side's best round reported: both meet the
    # same noise of a shared machine, as in the export parts.
    governed, plain, governed_rows, plain_rows = 0.0, 0.0, 0, 0
    governed_at = plain_at = None
    for _round in range(ROUNDS):
        rate, rows, governed_at = measure(
            client, first, governed_next, seconds / ROUNDS, governed_at,
            HTTP_AUTHORIZATION=authorization,
        )  # fmt: skip
        governed, governed_rows = max(governed, rate), governed_rows + rows
        rate, rows, plain_at = measure(
            client, "/bench/plain/", lambda after: f"/bench/plain/?after={after}",
            seconds / ROUNDS, plain_at,
        )  # fmt: skip
        plain, plain_rows = max(plain, rate), plain_rows + rows
    audited = AuditEvent.objects.filter(action="delivery.records.read").count() - audited
    print(f"governed record API: {governed:8.1f} requests/s, best of {ROUNDS} rounds "
          f"({governed_rows:,} rows, {audited} audit events in all)")  # fmt: skip
    print(f"plain Django view:   {plain:8.1f} requests/s, best of {ROUNDS} rounds "
          f"({plain_rows:,} rows in all)")  # fmt: skip
    print(f"ratio governed/plain: {governed / plain:.2f} (target >= 0.5)")
    if label:
        return
    alone, ahead = duckdb_pages(grant, seconds)
    print(f"a DuckDB read of each page alone (no HTTP, no checks): {alone:8.1f} reads/s ("
          f"{alone / plain:.2f}x plain)")  # fmt: skip
    print(f"the record read alone, masked and watermarked, with read-ahead: {ahead:8.1f} "
          f"pages/s ({ahead / plain:.2f}x plain)")  # fmt: skip


def record_api_together(grant, authorization, seconds, clients, workers, threads) -> None:
    """Part (a) as a server meets it when merchants' programs call at once: len(clients)
    clients, each on its own keep-alive connection and following its own cursor, in
    threads of this process; both sides served by the same gunicorn, in turns, ROUNDS
    rounds; each side's best round of all clients' requests/s together."""
    import threading
    from urllib.parse import quote

    records = f"/api/v1/grants/{grant.pk}/records/"
    first = f"{records}?page_size={PAGE}"
    sides = {
        "governed": (first, lambda cursor: f"{first}&cursor={quote(cursor)}",
                     {"HTTP_AUTHORIZATION": authorization}),
        "plain": ("/bench/plain/", lambda after: f"/bench/plain/?after={after}", {}),
    }  # fmt: skip
    at = {(side, i): None for side in sides for i in range(len(clients))}
    best = dict.fromkeys(sides, 0.0)

    def run(side, i, out):
        url, next_url, headers = sides[side]
        rate, _rows, at[side, i] = measure(
            clients[i], url, next_url, seconds / ROUNDS, at[side, i], **headers
        )
        out[i] = rate

    for _round in range(ROUNDS):
        for side in sides:
            out = [0.0] * len(clients)
            running = [
                threading.Thread(target=run, args=(side, i, out)) for i in range(len(clients))
            ]
            for thread in running:
                thread.start()
            for thread in running:
                thread.join()
            best[side] = max(best[side], sum(out))
    shape = f"{workers} gunicorn workers x {threads} threads"
    print(f"-- over HTTP, {len(clients)} clients at once ({shape})")
    print(f"governed record API: {best['governed']:8.1f} requests/s, best of {ROUNDS} rounds")
    print(f"plain Django view:   {best['plain']:8.1f} requests/s, best of {ROUNDS} rounds")
    print(f"ratio governed/plain: {best['governed'] / best['plain']:.2f} (target >= 0.5)")


def duckdb_pages(grant, seconds: float) -> tuple[float, float]:
    """Pages/s of the record API's read of the next 100-row page with nothing around it
    (no HTTP, key, grant check, masking, watermark, metering or audit): a DuckDB query for
    each page (apps.delivery.services._select), then the read as the API makes it, with
    read-ahead (apps.delivery.services._read: one DuckDB query, masked and watermarked,
    serves ten pages)."""
    from dataclasses import replace

    from apps.delivery import readahead, services
    from apps.delivery.query import parse
    from apps.delivery.sources import grant_source
    from apps.delivery.store import ROW, open_store

    source = grant_source(grant)
    store = open_store(source.version)
    query = parse({"page_size": str(PAGE)}, source, salt="bench")

    def each_page(query):
        """The page's DuckDB read; the position after it (None at the end)."""
        connection = store.connection()
        try:
            table = services._select(connection, query, source, store)
        finally:
            connection.close()
        return (None, table.column(ROW)[PAGE - 1].as_py()) if table.num_rows > PAGE else None

    def walk(read) -> float:
        done, started, after = 0, time.perf_counter(), None
        while time.perf_counter() - started < seconds:
            # the next page, or the first again at the end of a small dataset
            after = read(replace(query, after=after))
            done += 1
        return done / (time.perf_counter() - started)

    alone = walk(each_page)
    readahead.pages.clear()
    return alone, walk(lambda query: services._read(grant, query, source)[1])


class Peak:
    """Peak RSS above the start (psutil, sampled every 20 ms) and, with `python=True`,
    peak Python allocations (tracemalloc). tracemalloc hooks every allocation and slows
    Python code several times over (and DuckDB's C++ not at all), so rates are measured
    in a run without it and Python's peak in a run of its own."""

    def __init__(self, python: bool = False):
        self.trace = python
        self.python = None

    def __enter__(self):
        import threading
        import tracemalloc

        import psutil

        self.process = psutil.Process()
        self.base = self.rss = self.process.memory_info().rss
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        if self.trace:
            tracemalloc.start()
        self.thread.start()
        self.started = time.perf_counter()
        return self

    def _sample(self):
        while not self.stop.wait(0.02):
            self.rss = max(self.rss, self.process.memory_info().rss)

    def __exit__(self, *exc):
        import tracemalloc

        self.seconds = time.perf_counter() - self.started
        if self.trace:
            self.python = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        self.stop.set()
        self.thread.join()
        self.rss = max(self.rss, self.process.memory_info().rss) - self.base

    def line(self, label: str, rows: int, size: int, memory: "Peak") -> str:
        return (
            f"{label}: {rows / self.seconds:10,.0f} rows/s ({rows:,} rows, {size / 2**20:,.1f} "
            f"MiB in {self.seconds:.2f}s); peak Python {memory.python / 2**20:,.1f} MiB, "
            f"peak RSS +{max(self.rss, memory.rss) / 2**20:,.1f} MiB"
        )


def export_parts(grant, data_dir: Path) -> None:
    """(b) rows/s and (c) peak memory: the export job's masked CSV against DuckDB COPY."""
    import shutil

    import duckdb

    from apps.accounts.models import Membership
    from apps.delivery.exports import TOPIC, export_path, export_request
    from apps.delivery.query import compile_export_sql
    from apps.delivery.sources import grant_source
    from apps.delivery.store import ensure_store, open_store
    from apps.grants.models import Grant
    from apps.workflow.models import OutboxItem
    from apps.workflow.outbox import outbox_run

    scope = {**grant.scope, "delivery_modes": ["api_pull", "bulk_export"]}
    Grant.objects.filter(pk=grant.pk).update(scope=scope)
    grant.refresh_from_db()
    user = Membership.objects.filter(organization_id=grant.merchant_id).first().user
    source = grant_source(grant)
    store = open_store(source.version)  # built by part (a), or now

    def export_job(python: bool):
        export = export_request(grant=grant, user=user, format="csv")
        item = OutboxItem.objects.get(topic=TOPIC, target_id=str(export.pk))
        with Peak(python) as peak:
            outbox_run(item.pk)
        export.refresh_from_db()
        assert export.status == "succeeded", export.error_code
        export_path(export).unlink()
        return export, peak

    sql, params = compile_export_sql(source.field_names, source, store.types, store.scales)
    target = data_dir / "copy.csv"
    # A copy of the store file: this process holds the store open with the read path's
    # locked configuration, and DuckDB opens one file with one configuration.
    copied = data_dir / "copy-source.duckdb"
    shutil.copyfile(ensure_store(source.version), copied)
    database = duckdb.connect(
        str(copied),
        read_only=True,
        config={"memory_limit": "256MB", "threads": "2"},
    )

    def copy(python: bool):
        with Peak(python) as peak:
            database.execute(f"COPY ({sql}) TO '{target}' (HEADER)", params)
        return peak

    # Each side's best of ROUNDS after one run to warm up (a worker process runs export
    # after export), the two in turns so that both meet the same noise of a shared
    # machine; each side's peak memory in a run of its own.
    export_job(python=False), copy(python=False)
    runs = [(export_job(python=False), copy(python=False)) for _round in range(ROUNDS)]
    export, governed = min((job for job, _copy in runs), key=lambda job: job[1].seconds)
    plain = min((c for _job, c in runs), key=lambda c: c.seconds)
    _again, governed_memory = export_job(python=True)
    plain_memory = copy(python=True)
    print(governed.line("export job, masked CSV", export.rows, export.bytes, governed_memory))
    database.close()
    rows = sum(1 for _line in target.open("rb")) - 1
    print(plain.line("DuckDB COPY, unmasked", rows, target.stat().st_size, plain_memory))
    target.unlink()
    copied.unlink()
    print(f"ratio export/COPY: {(export.rows / governed.seconds) / (rows / plain.seconds):.2f}")
    marked, seconds = watermark_alone(grant, source, store)
    print(f"the watermark alone (DuckDB reading, marking each text value): {marked / seconds:,.0f} "
          f"rows/s: the ratio cannot pass {(marked / seconds) / (rows / plain.seconds):.2f} while "
          "every value is marked")  # fmt: skip


def watermark_alone(grant, source, store) -> tuple[int, float]:
    """Rows/s of the export's watermark alone: DuckDB reading the unmasked columns and
    `protect` marking their text (apps.security.watermark, vectorized in NumPy), the
    batches dropped: no masking, no CSV."""
    import pyarrow as pa
    from django.conf import settings

    from apps.delivery.query import compile_export_sql
    from apps.delivery.services import protect

    names = [f.name for f in source.fields if not f.masked]
    sql, params = compile_export_sql(names, source, store.types)
    connection = store.connection()
    started, rows = time.perf_counter(), 0
    for batch in connection.sql(sql, params=params).to_arrow_reader(
        settings.DELIVERY_EXPORT_BATCH_ROWS
    ):
        rows += protect(pa.Table.from_batches([batch]), grant, source).num_rows
    seconds = time.perf_counter() - started
    connection.close()
    return rows, seconds


if __name__ == "__main__":
    main()
