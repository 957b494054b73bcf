"""The one way a life-cycle status changes: check the table, write the history row and
the audit event in the caller's transaction, then set the status (the caller saves)."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.exceptions import TransitionNotAllowed


def owner_organization_id(obj) -> int | None:
    """Whose audit trail an object's events join: its provider, operator or organization."""
    for attribute in ("organization_id", "provider_id", "operator_id"):
        value = getattr(obj, attribute, None)
        if value is not None:
            return value
    return None


def transition(
    obj,
    to: str,
    *,
    table: dict,
    labels,
    history: Callable[..., object],
    actor=None,
    note: str = "",
    data: dict | None = None,
) -> None:
    """Moves `obj.status` to `to` if `table` allows it; raises TransitionNotAllowed if not.

    `history(from_status=, to_status=, actor=, note=)` writes the domain history row. The
    audit action is `<app>.<model>.<new status>`; a None actor is the request's user or,
    outside a request, the running system job.
    """
    source = obj.status
    if to not in table[source]:
        raise TransitionNotAllowed(
            _("Cannot go from %(src)s to %(dst)s.")
            % {"src": labels(source).label, "dst": labels(to).label},
            details={"status": source, "requested": to},
        )
    history(from_status=source, to_status=to, actor=actor, note=note)
    audit_record(
        actor=actor,
        action=f"{obj._meta.label_lower}.{to}",
        target=obj,
        target_org=owner_organization_id(obj),
        reason=note,
        before={"status": source},
        after={"status": to},
        data=data,
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
