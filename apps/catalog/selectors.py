"""Reads of the catalog, scoped to what the user may see."""

from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.catalog.models import DataResource


def resource_list(*, user: User, status: str | None = None, mine: bool = False) -> QuerySet:
    queryset = DataResource.objects.restrict(user, "view").select_related("provider")
    queryset = queryset.prefetch_related("themes", "fields")
    if status:
        queryset = queryset.filter(status=status)
    if mine:
        queryset = queryset.filter(provider_id=getattr(user, "organization_id", None))
    return queryset


def review_queue(*, user: User) -> QuerySet:
    """What waits for the regulator: submissions, reviews and notices in progress."""
    return (
        resource_list(user=user)
        .filter(status__in=["submitted", "under_review", "public_notice"])
        .order_by("updated_at")
    )


def objection_list(*, user: User, resource: DataResource) -> QuerySet:
    """Regulators and the provider read every objection; others only their own."""
    queryset = resource.objections.select_related("organization")
    if user.is_regulator or resource.provider_id == user.organization_id:
        return queryset
    return queryset.filter(Q(organization_id=user.organization_id))
