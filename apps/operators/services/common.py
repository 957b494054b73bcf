"""Helpers shared by the operator and agreement services."""

from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed


def move(obj, to: str, *, table: dict, labels, history, actor: User | None, note: str = ""):
    """Checks `table`, writes the history row and sets the new status (caller saves)."""
    if to not in table[obj.status]:
        raise TransitionNotAllowed(
            _("Cannot go from %(src)s to %(dst)s.")
            % {"src": labels(obj.status).label, "dst": labels(to).label},
            details={"status": obj.status, "requested": to},
        )
    history(from_status=obj.status, to_status=to, actor=actor, note=note)
    obj.status = to


def require_regulator(user: User) -> None:
    if not user.is_regulator:
        raise PermissionDeniedError(_("Only the regulator may do this."))


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("A reason is required."),
            code="reason_required",
            details={field: [_("This field is required.")]},
        )
    return reason
