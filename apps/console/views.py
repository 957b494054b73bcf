"""Regulator console pages. Regulators only; 2FA is enforced by middleware."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def regulator_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_regulator:
            from apps.audit.services import audit_record_denial

            audit_record_denial(
                action="console.access",
                reason="not_regulator",
                request=request,
                data={"path": request.path},
            )
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
