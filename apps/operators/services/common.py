"""Helpers shared by the operator and agreement services."""

from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, PermissionDeniedError


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
