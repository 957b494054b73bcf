"""The only writers of webhook endpoints and deliveries. Every change is audited
(`record_change`); refusals raise domain errors, which the API and the pages record."""

import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organization
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.core.permissions import MANAGE
from apps.webhooks.choices import DeliveryStatus
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.webhooks.signing import secret_new
from apps.webhooks.urlguard import url_check
from apps.workflow import events, policy
from apps.workflow.models import OutboxStatus
from apps.workflow.outbox import outbox_add, outbox_items_for
from apps.workflow.transitions import record_change

DELIVER = "webhooks.deliver"
PING = "webhook.ping"
S = DeliveryStatus


def endpoint_snapshot(endpoint: WebhookEndpoint) -> dict:
    """What the audit log keeps of an endpoint (never its secrets)."""
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "active": endpoint.active,
    }


def _require_manager(user, endpoint: WebhookEndpoint | None = None) -> None:
    allowed = (
        policy.allows(user, MANAGE, endpoint)
        if endpoint is not None
        else policy.may(user, MANAGE, WebhookEndpoint)
    )
    if not allowed:
        raise PermissionDeniedError(
            _("Only an administrator of the organization can manage its webhooks.")
        )


def _clean_event_types(names) -> list[str]:
    if not isinstance(names, list | tuple) or not names:
        raise InvalidInput(
            _("Choose at least one event type."),
            code="webhook_event_types_invalid",
            details={"event_types": [_("Choose at least one event type.")]},
        )
    known = events.event_types()
    unknown = sorted({str(n) for n in names} - set(known))
    if unknown:
        raise InvalidInput(
            _("Unknown event type: %(names)s") % {"names": ", ".join(unknown)},
            code="webhook_event_type_unknown",
            details={"event_types": [_("Unknown event type: %s") % n for n in unknown]},
        )
    return sorted({str(n) for n in names})


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    url_check(url)  # raises webhook_url_not_https / webhook_url_private_address / ...
    return url


def endpoint_create(
    *, user, url: str, event_types: list[str], description: str = "", active: bool = True
) -> tuple[WebhookEndpoint, str]:
    """Registers an endpoint for the user's organization; returns it with its signing
    secret, which is shown this once."""
    _require_manager(user)
    url = _clean_url(url)  # DNS look-up: before the transaction, not inside it
    with transaction.atomic():
        # Locked while counting: requests at once each counted below the limit and together
        # went past it.
        organization = Organization.objects.select_for_update().get(pk=user.organization_id)
        if organization.webhook_endpoints.count() >= settings.WEBHOOKS_MAX_ENDPOINTS:
            raise InvalidInput(
                _("An organization can register at most %(n)d endpoints.")
                % {"n": settings.WEBHOOKS_MAX_ENDPOINTS},
                code="webhook_endpoint_limit",
            )
        secret = secret_new()
        endpoint = WebhookEndpoint.objects.create(
            organization=organization,
            url=url,
            description=(description or "").strip()[:200],
            event_types=_clean_event_types(event_types),
            active=bool(active),
            secret=secret,
            created_by=user,
        )
        snapshot = endpoint_snapshot(endpoint)
        record_change(user, "webhooks.endpoint.create", endpoint, after=snapshot)
    return endpoint, secret


def _locked(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)


def endpoint_update(*, endpoint: WebhookEndpoint, user, data: dict) -> WebhookEndpoint:
    """Changes the URL (checked again), description, event types or active flag."""
    _require_manager(user, endpoint)
    url = _clean_url(data["url"]) if "url" in data else None
    with transaction.atomic():
        endpoint = _locked(endpoint)
        before = endpoint_snapshot(endpoint)
        if url is not None:
            endpoint.url = url
        if "description" in data:
            endpoint.description = (data["description"] or "").strip()[:200]
        if "event_types" in data:
            endpoint.event_types = _clean_event_types(data["event_types"])
        if "active" in data:
            endpoint.active = bool(data["active"])
        endpoint.updated_at = timezone.now()
        endpoint.save()
        after = endpoint_snapshot(endpoint)
        record_change(user, "webhooks.endpoint.update", endpoint, before=before, after=after)
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, user) -> None:
    """Removes the endpoint and its delivery log (the audit log keeps the history)."""
    _require_manager(user, endpoint)
    endpoint = _locked(endpoint)
    record_change(user, "webhooks.endpoint.delete", endpoint, before=endpoint_snapshot(endpoint))
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, user) -> tuple[WebhookEndpoint, str]:
    """A new signing secret; the one it replaces keeps signing too for
    WEBHOOKS_SECRET_GRACE_HOURS, so the receiver can switch without losing events."""
    _require_manager(user, endpoint)
    endpoint = _locked(endpoint)
    now = timezone.now()
    secret = secret_new()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + timedelta(
        hours=settings.WEBHOOKS_SECRET_GRACE_HOURS
    )
    endpoint.secret = secret
    endpoint.secret_rotated_at = endpoint.updated_at = now
    endpoint.save()
    record_change(
        user,
        "webhooks.endpoint.rotate_secret",
        endpoint,
        data={"previous_valid_until": endpoint.previous_secret_expires_at.isoformat()},
    )
    return endpoint, secret


def _jsonable(payload: dict) -> dict:
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def _target_fields(target) -> dict:
    if target is None:
        return {}
    return {"target_type": target._meta.label_lower, "target_id": str(target.pk)}


def _deliver_later(delivery: WebhookDelivery) -> None:
    outbox_add(topic=DELIVER, payload={"delivery": delivery.pk}, obj=delivery)


def _deliveries(endpoints, *, event_type, payload, target) -> list[WebhookDelivery]:
    event_id = uuid.uuid4()
    created = []
    for endpoint in endpoints:
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            organization_id=endpoint.organization_id,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            **_target_fields(target),
        )
        _deliver_later(delivery)
        created.append(delivery)
    return created


def webhook_emit(
    *, organization, event_type: str, payload: dict, target=None
) -> list[WebhookDelivery]:
    """One delivery (and one outbox item) per active endpoint of `organization`
    subscribed to `event_type`, written in the caller's transaction: the event is sent
    only if the change that causes it commits. Lower apps call it through
    `apps.workflow.events.event_publish`."""
    if event_type not in events.EVENT_TYPES:
        raise LookupError(f"unknown event type {event_type!r}: register it first")
    org_id = getattr(organization, "pk", organization)
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(organization_id=org_id, active=True)
        if event_type in e.event_types
    ]
    if not endpoints:
        return []
    return _deliveries(endpoints, event_type=event_type, payload=_jsonable(payload), target=target)


@transaction.atomic
def endpoint_ping(*, endpoint: WebhookEndpoint, user) -> WebhookDelivery:
    """A test event to this endpoint only, whatever it subscribes to."""
    _require_manager(user, endpoint)
    payload = {"endpoint": endpoint.pk, "message": "ping"}
    (delivery,) = _deliveries([endpoint], event_type=PING, payload=payload, target=endpoint)
    record_change(user, "webhooks.endpoint.ping", endpoint, data={"delivery": delivery.pk})
    return delivery


def _still_queued(delivery: WebhookDelivery) -> bool:
    """Whether an outbox item will still try this delivery. A pending delivery with none
    left lost its worker on the last attempt: it may be sent again."""
    items = outbox_items_for(delivery, topic=DELIVER)
    return items.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.RUNNING]).exists()


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, user) -> WebhookDelivery:
    """Sends a finished delivery again, as new attempts (same event id, so receivers can
    recognise a repeat). Refused while it is still pending."""
    _require_manager(user, delivery.endpoint)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == S.PENDING and _still_queued(delivery):
        raise TransitionNotAllowed(
            _("This delivery is still being sent."), code="webhook_delivery_pending"
        )
    before = {"status": delivery.status}
    delivery.status = S.PENDING
    delivery.finished_at = None
    delivery.save(update_fields=["status", "finished_at"])
    _deliver_later(delivery)
    record_change(
        user, "webhooks.delivery.resend", delivery, before=before, after={"status": S.PENDING}
    )
    return delivery
