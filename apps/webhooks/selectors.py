"""Reads of webhook endpoints and deliveries, scoped to the caller by the policy."""

from django.db.models import QuerySet

from apps.core.permissions import VIEW
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoint_list(*, user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.restrict(user, VIEW).select_related("organization")


def delivery_list(
    *, user, endpoint: int | None = None, status: str | None = None
) -> QuerySet[WebhookDelivery]:
    queryset = WebhookDelivery.objects.restrict(user, VIEW).select_related("endpoint")
    if endpoint is not None:
        queryset = queryset.filter(endpoint_id=endpoint)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def delivery_log(*, delivery: WebhookDelivery):
    """The attempts of a delivery the caller may read (checked by get_object_for)."""
    return delivery.log.all()
