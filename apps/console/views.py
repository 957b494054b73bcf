"""Regulator console pages. Regulators only; 2FA is enforced by middleware."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import render

from apps.accounts import selectors
from apps.accounts.choices import OrganizationKind


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


@regulator_required
def home(request):
    counts = dict(
        selectors.organization_list(user=request.user)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    by_kind = [(label, counts.get(value, 0)) for value, label in OrganizationKind.choices]
    return render(request, "console/home.html", {"by_kind": by_kind})


@regulator_required
def organizations(request):
    orgs = selectors.organization_list(user=request.user).annotate(members=Count("memberships"))
    return render(request, "console/organizations.html", {"organizations": orgs})
