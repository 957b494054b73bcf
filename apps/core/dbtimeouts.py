"""PostgreSQL statement timeouts: short for web requests, longer for Celery workers.

A connection opened while a request is being served gets DATABASE_STATEMENT_TIMEOUT_MS,
one opened in a worker process DATABASE_WORKER_STATEMENT_TIMEOUT_MS; management commands
(migrate, seeding) keep the server's default. 0 turns a timeout off. The role is known
when the connection opens (request_started / Celery's worker signals), so the setting costs
one `set_config` per new connection (per request only while DATABASE_CONN_MAX_AGE is 0).
"""

import threading

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections
from django.db.backends.signals import connection_created

_state = threading.local()
_worker = {"active": False}


def _request_started(**kwargs):
    _state.in_request = True


def _request_finished(**kwargs):
    _state.in_request = False


def mark_worker(**kwargs):
    """Celery worker_init / worker_process_init: this process runs tasks from now on."""
    _worker["active"] = True
    connections.close_all()  # reopened with the worker's timeout


def timeout_ms() -> int:
    if getattr(_state, "in_request", False):
        return settings.DATABASE_STATEMENT_TIMEOUT_MS
    if _worker["active"]:
        return settings.DATABASE_WORKER_STATEMENT_TIMEOUT_MS
    return 0


def _connection_created(sender, connection, **kwargs):
    if connection.vendor != "postgresql":
        return
    milliseconds = timeout_ms()
    if milliseconds:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{milliseconds}"])


def connect() -> None:
    from celery.signals import worker_init, worker_process_init

    request_started.connect(_request_started, dispatch_uid="core.dbtimeouts.start")
    request_finished.connect(_request_finished, dispatch_uid="core.dbtimeouts.finish")
    connection_created.connect(_connection_created, dispatch_uid="core.dbtimeouts.created")
    worker_init.connect(mark_worker, dispatch_uid="core.dbtimeouts.worker")
    worker_process_init.connect(mark_worker, dispatch_uid="core.dbtimeouts.worker_process")
