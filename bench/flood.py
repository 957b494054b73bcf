"""Floods the anonymous public endpoints and checks the rate limits hold (not run in CI).

    python bench/flood.py [--seconds 30] [--clients 8]

Starts the platform on 127.0.0.1 only (gunicorn with platform/gunicorn.conf.py, SQLite
with the demo data in a temporary DATA_DIR; throttle counters in Redis when --redis is
reachable, shared by the workers as in production), then 8 concurrent clients request the
CKAN action API, the DCAT feeds and the search API as fast as they can for 30 s, while a
probe in its own process asks /healthz every 100 ms. Prints the share of 429 answers, the
p95 latency of the requests that were served (2xx) and whether /healthz stayed under
100 ms throughout. Bounded: every loop stops at the deadline, the server is stopped and
its directory removed at the end. Clients and server share this machine's cores: /healthz
measures the platform under a load generator running beside it, a pessimistic setting.
"""

import argparse
import http.client
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PATHS = [
    "/api/3/action/package_search?q=%E4%BA%A4%E9%80%9A&rows=10",
    "/api/3/action/package_search?fq=organization:a%20OR%20tags:b&facet.field=[%22tags%22]",
    "/api/3/action/package_list",
    "/api/action/organization_list?all_fields=true",
    "/catalog/dcat.ttl",
    "/catalog/dcat.jsonld",
    "/api/v1/catalog/search/?q=%E4%BC%81%E4%B8%9A",
    "/api/v1/catalog/search/?classification=general",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable(url: str) -> bool:
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    try:
        socket.create_connection((host, int(port)), 1).close()
        return True
    except OSError:
        return False


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


def client(port: int, deadline: float, results: list, offset: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    index = offset
    while time.monotonic() < deadline:
        path = PATHS[index % len(PATHS)]
        index += 1
        try:
            results.append(get(conn, path))
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            results.append((0, 0.0))


def probe(port: int, seconds: float, out) -> None:
    """Runs in its own process, so the clients' GIL never delays its measurement."""
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            status, seconds = get(conn, "/healthz")
            latencies.append(seconds if status == 200 else float("inf"))
        except OSError:
            latencies.append(float("inf"))
        finally:
            conn.close()
        time.sleep(0.1)
    out.put(latencies)


def start_server(data_dir: Path, port: int, redis_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATA_DIR": str(data_dir),
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DATABASE_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    for command in (["migrate", "-v", "0"], ["seed_demo", "--force"]):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    # The production process model (platform/gunicorn.conf.py), on loopback.
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    gunicorn = [PY, "-m", "gunicorn", "-c", "platform/gunicorn.conf.py", "--preload",
                "config.wsgi"]  # fmt: skip
    log = open(data_dir / "server.log", "wb")  # noqa: SIM115 (closed with the directory)
    server = subprocess.Popen(
        gunicorn, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            for _round in range(3):  # each worker serves each kind of request once
                for path in ["/healthz", *PATHS]:
                    get(conn, path)
            return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=8)
    # A Redis database of its own: the bench empties it (FLUSHDB) when it ends.
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    redis_url = args.redis if args.redis and redis_reachable(args.redis) else ""
    data_dir = Path(tempfile.mkdtemp(prefix="flood-"))
    port = free_port()
    print(f"preparing demo data in {data_dir} (throttle counters: {redis_url or 'per process'})")
    server = None
    try:
        server = start_server(data_dir, port, redis_url)
        if redis_url:  # the warm-up requests do not count against the flood's budget
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        deadline = time.monotonic() + args.seconds
        results: list[tuple[int, float]] = []
        queue = multiprocessing.Queue()
        prober = multiprocessing.Process(target=probe, args=(port, args.seconds, queue))
        prober.start()
        threads = [
            threading.Thread(target=client, args=(port, deadline, results, i))
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        health = queue.get(timeout=30)
        prober.join(timeout=10)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        shutil.rmtree(data_dir, ignore_errors=True)
        if redis_url:  # the demo's queued task messages and the counters: this DB only
            import redis

            redis.Redis.from_url(redis_url).flushdb()
    report(results, health, args)


def report(results, health, args) -> None:
    statuses = Counter(status for status, _ in results)
    served = sorted(seconds for status, seconds in results if 200 <= status < 300)
    total = len(results)
    p95 = served[int(0.95 * (len(served) - 1))] * 1000 if served else float("nan")
    worst = max(health) * 1000 if health else float("nan")
    print(f"{args.clients} clients, {args.seconds:.0f} s, {total} requests "
          f"({total / args.seconds:.0f}/s): {dict(sorted(statuses.items()))}")  # fmt: skip
    print(f"429 share: {statuses[429] / max(total, 1):.1%}")
    print(f"served (2xx): {len(served)}, p50 {statistics.median(served) * 1000:.1f} ms, "
          f"p95 {p95:.1f} ms" if served else "served (2xx): 0")  # fmt: skip
    verdict = "yes" if worst < 100 else "NO"
    slow_at = [f"{index / 10:.1f}s" for index, seconds in enumerate(health) if seconds >= 0.1]
    slow = len(slow_at)
    print(f"/healthz: {len(health)} probes, max {worst:.1f} ms, "
          f"p95 {sorted(health)[int(0.95 * (len(health) - 1))] * 1000:.1f} ms, "
          f"{slow} at or over 100 ms {slow_at[:8]}; "
          f"stayed under 100 ms throughout: {verdict}")  # fmt: skip
    # The clients, the server and anything else on the machine share its cores.
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
