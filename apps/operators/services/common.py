"""Helpers shared by the operator and agreement services."""

from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("A reason is required."),
            code="reason_required",
            details={field: [_("This field is required.")]},
        )
    return reason
