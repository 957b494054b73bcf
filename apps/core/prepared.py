"""Cursors for the platform's hottest statements, which PostgreSQL prepares once per
connection: the audit INSERT (apps.audit.services) and the reads every keyed request makes
(apps.core.rowcache, the alert key guard). Parsing and planning them costs as much as
running them.

Django turns psycopg's preparation off (prepare_threshold=None, for the sake of poolers),
and Django's own cursors bind client-side and never prepare whatever the threshold, so the
cursors made here are the only ones the threshold changes. Set DB_PREPARED_STATEMENTS=false
behind a pooler that cannot keep prepared statements.
"""

import psycopg
from django.conf import settings
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

# psycopg prepares a statement on a connection once it has run this many times there: the
# first run on a short-lived connection (CONN_MAX_AGE=0) costs no extra round trip; from
# the second on, the statement is neither parsed nor planned.
PREPARE_AFTER = 1


class _DebugCursor(CursorDebugWrapper):
    """Logs the statement as written (parameters in the debug log): psycopg keeps no text
    of a prepared execution for Django's last_executed_query to read."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


def prepared_cursor(db):
    """Django's cursor wrapper (query logging, execute_wrappers, error mapping) around a
    psycopg cursor that binds server-side, the kind psycopg can prepare; Django's own
    cursor on other databases."""
    if db.vendor != "postgresql":
        return db.cursor()
    db.ensure_connection()
    db.validate_thread_sharing()
    if settings.DB_PREPARED_STATEMENTS and db.connection.prepare_threshold is None:
        db.connection.prepare_threshold = PREPARE_AFTER
    raw = psycopg.Cursor(db.connection)
    return _DebugCursor(raw, db) if db.queries_logged else db.make_cursor(raw)
