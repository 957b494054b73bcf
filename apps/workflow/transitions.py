"""The one way a life-cycle status changes: check the table, write the history row and
the audit event in the caller's transaction, then set the status (the caller saves).

The caller has locked the row (`select_for_update`) inside `transaction.atomic`; the
history row and the audit event commit or roll back with the status change.
"""

from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.exceptions import TransitionNotAllowed
from apps.workflow.history import history_record


def owner_organization_id(obj) -> int | None:
    """Whose audit trail an object's events join: its provider, operator or organization."""
    for attribute in ("organization_id", "provider_id", "operator_id"):
        value = getattr(obj, attribute, None)
        if value is not None:
            return value
    return None


def _status_label(obj, value: str) -> str:
    choices = dict(obj._meta.get_field("status").flatchoices)
    return str(choices.get(value, value))


def transition(
    obj,
    to: str,
    *,
    table: dict,
    actor=None,
    note: str = "",
    kind: str = "",
    data: dict | None = None,
) -> None:
    """Moves `obj.status` to `to` if `table[obj.status]` allows it, else raises
    TransitionNotAllowed. Writes one StatusHistory row and the audit event
    `<app>.<model>.<new status>`; a None actor is the request's user or, outside a
    request, the running system job (for the audit event; the history row says system).
    """
    source = obj.status
    if to not in table.get(source, ()):
        raise TransitionNotAllowed(
            _("Cannot go from %(src)s to %(dst)s.")
            % {"src": _status_label(obj, source), "dst": _status_label(obj, to)},
            details={"status": source, "requested": to, **({"kind": kind} if kind else {})},
        )
    history_record(obj, from_status=source, to_status=to, actor=actor, note=note, kind=kind)
    audit_record(
        actor=actor,
        action=f"{obj._meta.label_lower}.{to}",
        target=obj,
        target_org=owner_organization_id(obj),
        reason=note,
        before={"status": source},
        after={"status": to},
        data=data if data is not None else ({"kind": kind} if kind else None),
    )
    obj.status = to


def record_change(
    actor, action: str, obj, *, before=None, after=None, target_org=None, **kwargs
) -> None:
    """The audit event of a write that is not a status move (create, edit, upload...)."""
    audit_record(
        actor=actor,
        action=action,
        target=obj,
        target_org=target_org or owner_organization_id(obj),
        before=before,
        after=after,
        **kwargs,
    )
