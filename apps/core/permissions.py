"""The one place where object-level access is decided for views and API views.

Every model that users reach has a queryset with `restrict(user, action)`. Views fetch
objects only through `get_object_for`, which answers 404 for what the user may not see
and 403 for what they may see but not change.
"""

from django.db import models
from django.http import Http404

from apps.core.exceptions import PermissionDeniedError

VIEW = "view"
MANAGE = "manage"


def get_object_for(user, model: type[models.Model], pk, action: str = VIEW):
    manager = model._default_manager
    try:
        obj = manager.restrict(user, action).filter(pk=pk).first()
    except (ValueError, TypeError):
        raise Http404 from None
    if obj is not None:
        return obj
    if action != VIEW and manager.restrict(user, VIEW).filter(pk=pk).exists():
        _audit_denial(user, manager.filter(pk=pk).first(), action, "not_permitted")
        error = PermissionDeniedError()
        error.audited = True
        raise error
    hidden = manager.filter(pk=pk).first()
    if hidden is not None:
        # It exists but is not this user's to see: answered as 404, recorded as a denial.
        _audit_denial(user, hidden, action, "not_visible")
    raise Http404


def _audit_denial(user, obj, action: str, reason: str) -> None:
    from apps.audit.services import audit_record_denial

    if obj is None:  # deleted in between: nothing was exposed
        return
    audit_record_denial(
        actor=user,
        action=f"{obj._meta.model_name}.{action}",
        target=obj,
        reason=reason,
    )
