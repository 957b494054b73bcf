"""Reads, already scoped to what the user may see."""

from django.db.models import QuerySet

from apps.accounts.choices import OrganizationKind
from apps.accounts.models import ApiKey, Organization, User
from apps.core.permissions import VIEW


def organization_list(*, user: User) -> QuerySet[Organization]:
    return Organization.objects.restrict(user, VIEW)


def api_key_list(*, user: User, own_only: bool = False) -> QuerySet[ApiKey]:
    """Keys the user may see; `own_only` keeps a regulator's page to its own organization."""
    keys = ApiKey.objects.restrict(user, VIEW).select_related("organization", "created_by")
    return keys.filter(organization_id=user.organization_id) if own_only else keys


def authority_list() -> QuerySet[Organization]:
    """The bodies that may authorize an agreement (public knowledge: the regulators)."""
    return Organization.objects.filter(kind=OrganizationKind.REGULATOR)
