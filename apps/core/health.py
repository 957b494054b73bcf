"""Readiness checks: each returns None when healthy or a short, secret-free reason."""

import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        return
    # Embedded filesystem broker: the queue folder must exist and be writable.
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    if not (folder.is_dir() and os.access(folder, os.W_OK)):
        raise OSError("broker folder is not writable")


def check_storage() -> None:
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=settings.MEDIA_ROOT, prefix=".readyz-") as handle:
        handle.write(b"ok")
        handle.flush()


# Folders that upper apps keep their files in (datasets, uploads...), registered at
# start-up by those apps; core does not know where they are.
FOLDERS: dict[str, Callable[[], Path]] = {}


def register_folder(name: str, path: Callable[[], Path]) -> None:
    """`path()` is read at each check, so settings overridden later are honoured."""
    FOLDERS[name] = path


def check_folders() -> None:
    for name, path in FOLDERS.items():
        folder = Path(path())
        if not folder.is_dir():
            raise FileNotFoundError(f"{name} folder is missing")
        # A real write: os.access is fooled by read-only mounts and some network shares.
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-") as handle:
            handle.write(b"ok")
            handle.flush()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "folders": check_folders,
}


def run_checks() -> tuple[bool, dict]:
    results, healthy = {}, True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            results[name] = {"ok": True}
        except Exception as exc:  # any failure means "not ready"; the log keeps the detail
            logger.warning("readiness check %s failed: %s", name, exc.__class__.__name__)
            results[name] = {"ok": False, "error": exc.__class__.__name__}
            healthy = False
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, results
