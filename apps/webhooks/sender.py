"""The outbox handler that POSTs one delivery (topic `webhooks.deliver`).

Each run is one attempt, logged in WebhookAttempt. A 2xx answer ends the delivery; a
non-2xx answer or a network error raises, and the outbox retries with exponential
backoff until WEBHOOKS_MAX_ATTEMPTS, when the delivery ends as failed. A URL that now
resolves to a private address (DNS rebinding) fails at once and is recorded as denied.
"""

import http.client
import time

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.audit.choices import Outcome
from apps.audit.services import audit_record
from apps.core.exceptions import InvalidInput
from apps.webhooks.choices import DeliveryStatus
from apps.webhooks.models import WebhookAttempt, WebhookDelivery
from apps.webhooks.signing import body_bytes, signature_header
from apps.webhooks.urlguard import post, url_check
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import PermanentFailure

S = DeliveryStatus
USER_AGENT = "PublicDataPlatform-Webhooks/1"


class DeliveryFailed(Exception):
    """This attempt failed; the outbox tries again later."""


def document(delivery: WebhookDelivery) -> dict:
    """The JSON body a receiver gets."""
    doc = {
        "id": str(delivery.event_id),
        "type": delivery.event_type,
        "created_at": delivery.created_at.isoformat(),
        "organization": delivery.organization_id,
        "data": delivery.payload,
    }
    if delivery.target_type:
        doc["target"] = {"type": delivery.target_type, "id": delivery.target_id}
    return doc


def _log(delivery, *, started, status=None, error="", succeeded=False) -> int:
    now = timezone.now()
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=F("attempts") + 1,
            response_status=status,
            last_error=error[:2000],
            last_attempt_at=now,
        )
        delivery.refresh_from_db(fields=["attempts"])
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=now,
            duration_ms=int((time.monotonic() - started) * 1000),
            response_status=status,
            error=error[:2000],
            succeeded=succeeded,
        )
    return delivery.attempts


def _finish(delivery, status: str, outcome: str, reason: str = "") -> None:
    with transaction.atomic():
        ended = WebhookDelivery.objects.filter(pk=delivery.pk, status=S.PENDING).update(
            status=status, finished_at=timezone.now()
        )
        if ended:
            audit_record(
                action=f"webhooks.delivery.{status}",
                target=delivery,
                target_org=delivery.organization_id,
                outcome=outcome,
                reason=reason[:500],
                data={
                    "endpoint": delivery.endpoint_id,
                    "event_type": delivery.event_type,
                    "event_id": str(delivery.event_id),
                    "attempts": delivery.attempts,
                },
                retention="access",
            )


def delivery_send(item: OutboxItem) -> None:
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=item.payload.get("delivery"))
        .first()
    )
    if delivery is None or delivery.status != S.PENDING:
        return  # deleted, or already finished: a repeated nudge does nothing
    endpoint = delivery.endpoint
    started = time.monotonic()
    if not endpoint.active:
        _log(delivery, started=started, error="endpoint_inactive")
        _finish(delivery, S.FAILED, Outcome.ERROR, "endpoint_inactive")
        return
    try:
        target = url_check(endpoint.url)  # again at send time: DNS may have changed
    except InvalidInput as refusal:
        _log(delivery, started=started, error=f"{refusal.code}: {refusal.message}")
        _finish(delivery, S.FAILED, Outcome.DENIED, refusal.code)
        return
    timestamp = int(time.time())
    body = body_bytes(document(delivery))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Id": str(delivery.event_id),
        "X-Webhook-Event": delivery.event_type,
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": signature_header(endpoint.signing_secrets(), timestamp, body),
    }
    try:
        status, snippet = post(target, body, headers)
    except (OSError, http.client.HTTPException) as error:
        status, problem = None, f"{type(error).__name__}: {error}"
    else:
        problem = "" if 200 <= status < 300 else f"HTTP {status}: {snippet[:200]}"
    _log(delivery, started=started, status=status, error=problem, succeeded=not problem)
    if not problem:
        _finish(delivery, S.SUCCEEDED, Outcome.ALLOWED)
        return
    if item.attempts >= item.max_attempts:
        _finish(delivery, S.FAILED, Outcome.ERROR, problem)
        raise PermanentFailure(problem)
    raise DeliveryFailed(problem)
