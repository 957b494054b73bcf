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
        raise PermissionDeniedError()
    raise Http404
