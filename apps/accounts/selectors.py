"""Reads, already scoped to what the user may see."""

from django.db.models import QuerySet

from apps.accounts.models import ApiKey, Organization, User


def organization_list(*, user: User) -> QuerySet[Organization]:
    return Organization.objects.restrict(user, "view")


def api_key_list(*, user: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.restrict(user, "view").select_related("organization", "created_by")
