"""Worker processes that a test starts, kills and restarts itself, on queues of their own
(t-outbox-*), so the session's shared worker never takes their work."""

import os
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings

from apps.workflow import outbox
from tests.conftest import ROOT

PREFIX = "t-outbox-"


@pytest.fixture
def private_queues(monkeypatch):
    """Nudges sent by this test process go to t-outbox-<queue>."""
    for topic, handler in list(outbox.HANDLERS.items()):
        monkeypatch.setitem(
            outbox.HANDLERS,
            topic,
            outbox.Handler(
                topic,
                handler.func,
                PREFIX + handler.queue,
                handler.max_attempts_setting,
                handler.time_limit,
            ),
        )
    flush_redis()


def flush_redis() -> None:
    """FLUSHDB on this suite's own Redis database (never FLUSHALL: others share the server)."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


def start_worker(*, queues=("ingest", "default"), **env_extra: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_DATA_DIR": str(settings.DATA_DIR),
        # Retries are nudged by the sweeper this test runs, on the private queues.
        "OUTBOX_MAX_COUNTDOWN_SECONDS": "0",
        **env_extra,
    }
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "tests.worker_app", "worker",
            "-Q", ",".join(PREFIX + q for q in queues), "-c", "1", "--pool", "prefork",
            "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )  # fmt: skip


def kill_worker(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signals the whole process group (the main process and its pool children)."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def stop_worker(process: subprocess.Popen) -> None:
    kill_worker(process, signal.SIGTERM)


def poll(predicate, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(interval)
    return None


def taken_over(finished, *, within: float = 120, **env_extra: str):
    """Starts a worker and runs the sweeper as beat does (every 30 s) until `finished()`
    gives something: (that, seconds since the start), or (None, seconds) past `within`."""
    from apps.workflow.outbox_sweep import outbox_sweep

    second = start_worker(**env_extra)
    restarted = time.monotonic()
    try:
        done = None
        while done is None and time.monotonic() - restarted < within:
            outbox_sweep()
            done = poll(finished, 30)
        return done, time.monotonic() - restarted
    finally:
        stop_worker(second)
