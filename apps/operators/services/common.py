"""Helpers shared by the operator and agreement services."""

from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, PermissionDeniedError
from apps.workflow import policy


def require_regulator(user: User) -> None:
    """Deciding reviews, suspending and revoking: the regulator's reviewers and admins."""
    if not user.is_regulator:
        raise PermissionDeniedError(_("Only the regulator may do this."))
    policy.require(user, policy.DECIDE, message=_("Only a reviewer or an admin may decide."))


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("A reason is required."),
            code="reason_required",
            details={field: [_("This field is required.")]},
        )
    return reason
