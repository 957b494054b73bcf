"""Reads, already scoped to what the user may see."""

from django.db.models import QuerySet

from apps.accounts.models import ApiKey, Organization, User


def organization_list(*, user: User) -> QuerySet[Organization]:
    return Organization.objects.restrict(user, "view")


def api_key_list(*, user: User, own_only: bool = False) -> QuerySet[ApiKey]:
    """Keys the user may see; `own_only` keeps a regulator's page to its own organization."""
    keys = ApiKey.objects.restrict(user, "view").select_related("organization", "created_by")
    return keys.filter(organization_id=user.organization_id) if own_only else keys
