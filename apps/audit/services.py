"""The one write path into the audit log.

Every service calls `audit_record` inside its own transaction, so the event commits or
rolls back with the change it describes. Events are inserted unchained; the sealer
(apps.audit.sealer) gives them their place in the hash chain a moment later, so writers
never wait on one global lock.
"""

import json
import logging
import re
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models
from django.utils import timezone

from apps.audit.actors import ANONYMOUS, DescribesActor, describe_user, target_org_of
from apps.audit.choices import ActorType, Outcome, Retention
from apps.audit.context import SYSTEM, SystemActor, _System, current_job, current_request
from apps.audit.models import AuditEvent
from apps.core.net import client_ip
from apps.core.prepared import prepared_cursor
from apps.core.printable import printable

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"
# A key is secret if any of its words is one of these (api_key_id, key_hash, password1...).
_SECRET_WORDS = {
    "password", "passwd", "pwd", "secret", "token", "key", "hash", "otp", "totp",
    "authorization", "cookie", "credential", "credentials", "signature", "session",
}  # fmt: skip
_WORD = re.compile(r"[a-z]+")
MAX_TEXT = 1000


def _is_secret(key: Any) -> bool:
    return any(word in _SECRET_WORDS for word in _WORD.findall(str(key).lower()))


def redact(value: Any) -> Any:
    """Copies `value` with secret-looking keys masked and long strings cut."""
    if isinstance(value, dict):
        return {str(k): REDACTED if _is_secret(k) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [redact(v) for v in value]
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(
        value or {}, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"),
        ensure_ascii=False,
    )  # fmt: skip


def diff(before: dict | None, after: dict | None) -> dict:
    """{field: [before, after]} for the fields that changed, secrets masked."""
    before, after = before or {}, after or {}
    changed = {}
    for field in sorted(set(before) | set(after), key=str):
        old, new = before.get(field), after.get(field)
        if old != new:
            secret = _is_secret(field)
            changed[str(field)] = [REDACTED, REDACTED] if secret else [redact(old), redact(new)]
    return changed


def _clean(text: Any, limit: int) -> str:
    # Control characters blanked, but tab and line breaks (a reason may run over lines).
    return printable(text, limit)


def _resolve_actor(actor, request) -> dict:
    if request is not None:
        api_key = getattr(request, "api_key", None)
        # A key acts through the user who created it; when a service names that user, the
        # one who really acted is the machine holding the key.
        if api_key is not None and (actor is None or actor == getattr(api_key, "created_by", None)):
            actor = api_key
        user = getattr(request, "user", None)
        if actor is None and user is not None and user.is_authenticated:
            actor = user
    if actor is None and (request is None or current_job.get()):
        # No request: a Celery task, a management command or a shell did this.
        actor = SYSTEM
    if isinstance(actor, _System):
        actor = actor.resolve()
    if isinstance(actor, SystemActor):
        return {"actor_type": ActorType.SYSTEM, "actor_label": actor.name}
    if isinstance(actor, DescribesActor):
        return actor.audit_actor().fields()
    if actor is not None and getattr(actor, "is_authenticated", False):
        return describe_user(actor).fields()
    return ANONYMOUS.fields()


def _resolve_target(target, target_org) -> dict:
    if target is None:
        return {"target_org_id": getattr(target_org, "pk", target_org)}
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        target_type, target_id = target._meta.label_lower, target.pk
        if target_org is None:
            target_org = target_org_of(target)
    return {
        "target_type": str(target_type)[:100],
        "target_id": "" if target_id is None else str(target_id)[:64],
        "target_org_id": getattr(target_org, "pk", target_org),
    }


def _request_fields(request) -> dict:
    if request is None:
        return {}
    meta = request.META
    return {
        "request_id": _clean(getattr(request, "request_id", ""), 64),
        "ip": _clean(client_ip(request), 45),
        "user_agent": _clean(meta.get("HTTP_USER_AGENT", ""), 300),
    }


def build_event(
    *,
    actor=None,
    action: str,
    target: models.Model | tuple | None = None,
    target_org=None,
    outcome: str = Outcome.ALLOWED,
    reason: str = "",
    data: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
    request=None,
    retention: str = Retention.RECORD,
) -> AuditEvent:
    request = request if request is not None else current_request.get()
    fields = {
        "occurred_at": timezone.now(),
        "action": _clean(action, 100),
        "outcome": Outcome(outcome),
        "reason": _clean(reason, MAX_TEXT),
        "retention": Retention(retention),
        "data": canonical_json(redact(data or {})),
        "changes": canonical_json(diff(before, after)),
        **_request_fields(request),
        **_resolve_actor(actor, request),
        **_resolve_target(target, target_org),
    }
    for name, limit in (("actor_id", 64), ("actor_label", 200), ("actor_role", 32)):
        if name in fields:
            fields[name] = _clean(fields[name], limit)
    return AuditEvent(**fields)


def audit_record(
    *,
    actor=None,
    action: str,
    target: models.Model | tuple | None = None,
    target_org=None,
    outcome: str = Outcome.ALLOWED,
    reason: str = "",
    data: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
    request=None,
    retention: str = Retention.RECORD,
) -> AuditEvent:
    """Records one event in the caller's transaction and returns it.

    actor: a User, an ApiKey, `SYSTEM` (the current system job) or None (taken from the
    request; without a request, the system job or process running now).
    target: a model instance or a (type, id) pair; its organization is whose audit trail
    the event joins.
    """
    event = build_event(
        actor=actor,
        action=action,
        target=target,
        target_org=target_org,
        outcome=outcome,
        reason=reason,
        data=data,
        before=before,
        after=after,
        request=request,
        retention=retention,
    )
    _insert(event, connection)
    return event


def audit_record_denial(*, action: str, reason: str, **kwargs) -> AuditEvent | None:
    """Records a refused attempt so that the record survives the caller's rollback.

    Inside a transaction (that is about to roll back because of this very refusal) the
    event is written on a separate, autocommitting connection, unless the setting
    AUDIT_DENIALS_OUT_OF_BAND is off (the test settings). A failure to record a denial is
    logged, never allowed to replace the refusal the user should see.
    """
    kwargs.setdefault("retention", Retention.ACCESS)
    try:
        event = build_event(action=action, outcome=Outcome.DENIED, reason=reason, **kwargs)
        if _out_of_band():
            _insert_out_of_band(event)
        else:
            _insert(event, connection)
        return event
    except DatabaseError:
        logger.exception("could not record denied %s", action)
        return None


_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_ATTNAMES = [f.attname for f in _FIELDS]
# One precompiled INSERT: the ORM's save() costs more than the insert itself on the
# hottest write path of the platform (see bench/audit.py).
_INSERT = (
    f"INSERT INTO audit_event ({', '.join(f.column for f in _FIELDS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_FIELDS))}) RETURNING id"
)


def audit_record_after(prefix: str, params: list, **kwargs) -> AuditEvent:
    """`audit_record` on PostgreSQL with the caller's data-modifying CTEs (`prefix`,
    `WITH a AS (...), b AS (...) `, bound to `params`) in the same statement: one round
    trip, atomic by itself, so the caller needs no transaction (no BEGIN, no COMMIT)."""
    event = build_event(**kwargs)
    _insert(event, connection, prefix=prefix, params=params)
    return event


def _insert(event: AuditEvent, db, *, prefix: str = "", params: list = ()) -> None:
    # build_event made every value DB-ready (str, int, None, aware datetime), so the
    # per-field get_db_prep_save round is skipped: it cost as much as the rest here.
    values = [getattr(event, name) for name in _ATTNAMES]
    with prepared_cursor(db) as cursor:
        cursor.execute(prefix + _INSERT, [*params, *values])
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, db.alias


def _out_of_band() -> bool:
    """Whether a denial must escape the caller's transaction to survive its rollback."""
    return (
        settings.AUDIT_DENIALS_OUT_OF_BAND
        and connection.in_atomic_block
        and connection.vendor == "postgresql"
    )


def _insert_out_of_band(event: AuditEvent) -> None:
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            # Never wait long behind a lock held by the transaction we are escaping from.
            cursor.execute("SET lock_timeout = '2s'")
        _insert(event, own)
    finally:
        own.close()


def retention_days(retention: str) -> int:
    return {
        Retention.ACCESS: settings.AUDIT_RETENTION_ACCESS_DAYS,
        Retention.PERSONAL_INFO: settings.AUDIT_RETENTION_PERSONAL_INFO_DAYS,
        Retention.RECORD: settings.AUDIT_RETENTION_RECORD_DAYS,
    }[Retention(retention)]
