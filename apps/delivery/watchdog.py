"""One thread that interrupts DuckDB queries running past their deadline.

A `threading.Timer` per query starts (and waits for) a thread on every record page; this
watchdog's thread is started once and checks the running queries every TICK seconds.
`watch(connection, seconds)` returns a token; `done(token)` when the query returns.
"""

import contextlib
import threading
import time

TICK = 0.05

_lock = threading.Lock()
_running: dict[object, tuple[float, object]] = {}
_thread: threading.Thread | None = None


def _loop() -> None:
    while True:
        time.sleep(TICK)
        now = time.monotonic()
        with _lock:
            due = [token for token, (deadline, _c) in _running.items() if deadline <= now]
            late = [_running.pop(token)[1] for token in due]
        for connection in late:
            with contextlib.suppress(Exception):  # closed meanwhile: nothing to stop
                connection.interrupt()


def watch(connection, seconds: float) -> object:
    global _thread
    token = object()
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name="duckdb-watchdog", daemon=True)
            _thread.start()
        _running[token] = (time.monotonic() + seconds, connection)
    return token


def done(token: object) -> None:
    with _lock:
        _running.pop(token, None)
