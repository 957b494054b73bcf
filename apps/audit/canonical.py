"""The canonical encoding of an event, in Python and in PostgreSQL SQL.

    body = "v1" US seq US id US occurred_at_µs US actor_type US ... US changes   (UTF-8)
    hash = SHA-256(prev_hash || body)

US is the ASCII unit separator. audit_record strips it (and NUL) from every text field
and the JSON fields escape it, so fields cannot bleed into each other. The SQL form lets
the database build `body` next to the data, so sealing and verifying touch no model
objects; a test keeps both forms byte-identical.
"""

import hashlib
from datetime import UTC, datetime, timedelta

US = "\x1f"
VERSION = "v1"
GENESIS = bytes(32)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# Event fields after id and time, in hash order.
TEXT_FIELDS = (
    "actor_type",
    "actor_id",
    "actor_label",
    "actor_org_id",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "target_org_id",
    "outcome",
    "reason",
    "request_id",
    "ip",
    "user_agent",
    "retention",
    "data",
    "changes",
)
_NULLABLE = {"actor_org_id", "target_org_id"}


def _sql_field(alias: str, name: str) -> str:
    column = f"{alias}.{name}"
    return f"coalesce({column}::text, '')" if name in _NULLABLE else column


def sql_rest(alias: str = "e") -> str:
    """SQL for everything after `seq`, as text (PostgreSQL)."""
    fields = [
        f"{alias}.id",
        f"(extract(epoch from {alias}.occurred_at) * 1000000)::bigint",
        *(_sql_field(alias, name) for name in TEXT_FIELDS),
    ]
    return f"concat_ws(chr(31), {', '.join(fields)})"


def sql_body(seq_column: str = "s.seq", alias: str = "e") -> str:
    prefix = f"'{VERSION}' || chr(31) || {seq_column}::text || chr(31)"
    return f"convert_to({prefix} || {sql_rest(alias)}, 'UTF8')"


def micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def rest_bytes(values: dict) -> bytes:
    """Python twin of sql_rest: `values` holds id, occurred_at and TEXT_FIELDS."""
    parts = [str(values["id"]), str(micros(values["occurred_at"]))]
    for name in TEXT_FIELDS:
        value = values[name]
        parts.append("" if value is None else str(value))
    return US.join(parts).encode()


def body(seq: int, rest: bytes) -> bytes:
    return f"{VERSION}{US}{seq}{US}".encode() + rest


def chain_hash(prev_hash: bytes, seq: int, rest: bytes) -> bytes:
    return hashlib.sha256(prev_hash + body(seq, rest)).digest()
