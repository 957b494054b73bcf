"""Emit, send, sign, rotate and resend, in process against a real local receiver."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.webhooks import services
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import outbox_items_for
from tests.webhooks.conftest import endpoint_for, receiver_verifies
from tests.workflow.helpers import run_outbox

pytestmark = pytest.mark.django_db

EVENT = "agreement.status_changed"


def emit(org, payload=None):
    return services.webhook_emit(organization=org, event_type=EVENT, payload=payload or {"n": 1})


def test_emit_writes_one_delivery_and_one_outbox_item_per_subscribed_endpoint(
    loopback, merchant, outsider, receiver
):
    subscribed, _ = endpoint_for(merchant, receiver, [EVENT])
    endpoint_for(merchant, receiver, ["webhook.ping"])  # not subscribed
    paused, _ = endpoint_for(merchant, receiver, [EVENT])
    services.endpoint_update(endpoint=paused, user=merchant, data={"active": False})
    endpoint_for(outsider, receiver, [EVENT])  # another organization's
    deliveries = emit(merchant.organization)
    assert [d.endpoint_id for d in deliveries] == [subscribed.pk]
    item = outbox_items_for(deliveries[0], topic=services.DELIVER).get()
    assert item.payload == {"delivery": deliveries[0].pk}
    assert item.max_attempts == loopback.WEBHOOKS_MAX_ATTEMPTS


def test_an_unknown_event_type_cannot_be_emitted_or_subscribed(loopback, merchant, receiver):
    with pytest.raises(LookupError):
        services.webhook_emit(organization=merchant.organization, event_type="x.y", payload={})
    with pytest.raises(InvalidInput) as error:
        endpoint_for(merchant, receiver, ["x.y"])
    assert error.value.code == "webhook_event_type_unknown"


def test_a_delivery_is_posted_signed_and_the_receiver_verifies_it(loopback, merchant, receiver):
    endpoint_for(merchant, receiver, [EVENT])
    (delivery,) = emit(merchant.organization, {"agreement": 7, "when": timezone.now()})
    assert run_outbox() == 1
    (request,) = receiver.requests
    assert request["verified"] and request["status"] == 200
    headers = request["headers"]
    assert headers["X-Webhook-Id"] == str(delivery.event_id)
    assert abs(int(headers["X-Webhook-Timestamp"]) - timezone.now().timestamp()) < 10
    assert headers["X-Webhook-Signature"].startswith("v1=")
    assert request["json"]["type"] == EVENT and request["json"]["data"]["agreement"] == 7
    assert request["path"] == "/hooks/platform"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 1, 200)
    assert [(a.number, a.succeeded) for a in delivery.log.all()] == [(1, True)]
    assert AuditEvent.objects.filter(
        action="webhooks.delivery.succeeded", target_id=str(delivery.pk)
    ).exists()


def test_a_failing_receiver_is_retried_and_the_attempt_log_says_why(loopback, merchant, receiver):
    endpoint_for(merchant, receiver, [EVENT])
    receiver.status = 500
    (delivery,) = emit(merchant.organization)
    run_outbox()
    delivery.refresh_from_db()
    item = OutboxItem.objects.get(topic=services.DELIVER)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    assert item.status == "pending" and item.next_attempt_at > timezone.now()
    assert delivery.log.get().error.startswith("HTTP 500")


def test_rotation_signs_with_both_secrets_during_grace_then_only_the_new_one(
    loopback, merchant, receiver
):
    endpoint, old = endpoint_for(merchant, receiver, [EVENT])
    endpoint, new = services.endpoint_rotate_secret(endpoint=endpoint, user=merchant)
    assert new != old and endpoint.previous_secret_expires_at > timezone.now()
    # during the grace period a receiver still holding the old secret verifies
    emit(merchant.organization)
    run_outbox()
    during = receiver.requests[-1]
    assert during["verified"] and during["headers"]["X-Webhook-Signature"].count("v1=") == 2
    assert receiver_verifies(new, during["headers"], during["body"])
    # after it, only the new secret signs
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    emit(merchant.organization)
    run_outbox()
    after = receiver.requests[-1]
    assert not after["verified"] and after["status"] == 401  # the old secret no longer works
    assert after["headers"]["X-Webhook-Signature"].count("v1=") == 1
    assert receiver_verifies(new, after["headers"], after["body"])
    assert not receiver_verifies(old, after["headers"], after["body"])
    rotation = AuditEvent.objects.get(action="webhooks.endpoint.rotate_secret")
    assert old not in str(rotation.__dict__) and new not in str(rotation.__dict__)


def test_resend_queues_a_finished_delivery_again_and_is_refused_while_pending(
    loopback, merchant, receiver
):
    endpoint_for(merchant, receiver, [EVENT])
    (delivery,) = emit(merchant.organization)
    with pytest.raises(TransitionNotAllowed) as error:
        services.delivery_resend(delivery=delivery, user=merchant)
    assert error.value.code == "webhook_delivery_pending"
    run_outbox()
    services.delivery_resend(delivery=delivery, user=merchant)
    run_outbox()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    ids = {r["headers"]["X-Webhook-Id"] for r in receiver.requests}
    assert ids == {str(delivery.event_id)}  # the same event, so the receiver can dedupe
    assert OutboxItem.objects.filter(topic=services.DELIVER).count() == 2


def test_only_admins_of_operators_and_merchants_manage_endpoints(
    loopback, merchant, merchant_member, provider, receiver
):
    endpoint, _ = endpoint_for(merchant, receiver)
    for user in (merchant_member, provider):
        with pytest.raises(PermissionDeniedError):
            endpoint_for(user, receiver)
        with pytest.raises(PermissionDeniedError):
            services.endpoint_rotate_secret(endpoint=endpoint, user=user)


def test_changes_are_audited_without_the_secret(loopback, merchant, receiver):
    endpoint, secret = endpoint_for(merchant, receiver)
    services.endpoint_update(endpoint=endpoint, user=merchant, data={"description": "新"})
    services.endpoint_ping(endpoint=endpoint, user=merchant)
    services.endpoint_delete(endpoint=endpoint, user=merchant)
    events = AuditEvent.objects.filter(action__startswith="webhooks.endpoint.")
    assert sorted(events.values_list("action", flat=True)) == [
        "webhooks.endpoint.create",
        "webhooks.endpoint.delete",
        "webhooks.endpoint.ping",
        "webhooks.endpoint.update",
    ]
    assert all(secret not in str(e.__dict__) for e in events)
    assert not WebhookDelivery.objects.exists()


def test_an_inactive_endpoint_gets_nothing_and_its_pending_delivery_fails(
    loopback, merchant, receiver
):
    endpoint, _ = endpoint_for(merchant, receiver, [EVENT])
    (delivery,) = emit(merchant.organization)
    services.endpoint_update(endpoint=endpoint, user=merchant, data={"active": False})
    run_outbox()
    delivery.refresh_from_db()
    assert delivery.status == "failed" and receiver.requests == []


def test_the_readme_recipe_verifies_a_real_delivery(loopback, merchant, receiver):
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    start = readme.index("import hashlib\nimport hmac\nimport time")
    namespace: dict = {}
    exec(readme[start : readme.index("```", start)], namespace)  # noqa: S102  (our own README)
    _endpoint, secret = endpoint_for(merchant, receiver, [EVENT])
    emit(merchant.organization)
    run_outbox()
    (request,) = receiver.requests
    verified = namespace["webhook_verified"]
    assert verified(secret, request["headers"], request["body"])
    assert not verified(secret, request["headers"], request["body"] + b" ")
    assert not verified("whsec_other", request["headers"], request["body"])


def test_a_redirect_is_not_followed_and_a_slow_receiver_times_out(loopback, merchant, receiver):
    endpoint_for(merchant, receiver, [EVENT])
    receiver.status = 302
    (redirected,) = emit(merchant.organization)
    run_outbox()
    redirected.refresh_from_db()
    assert len(receiver.requests) == 1  # the Location was not visited
    assert redirected.status == "pending" and redirected.last_error.startswith("HTTP 302")
    loopback.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    receiver.status, receiver.delay = 200, 1.5
    (slow,) = emit(merchant.organization)
    run_outbox()
    slow.refresh_from_db()
    assert slow.status == "pending" and "timed out" in slow.last_error.lower()


def test_a_delivery_whose_last_worker_was_lost_can_be_sent_again(loopback, merchant, receiver):
    endpoint_for(merchant, receiver, [EVENT])
    (delivery,) = emit(merchant.organization)
    # the outbox gave the item up (its worker died on the last attempt) before any answer
    OutboxItem.objects.filter(topic=services.DELIVER).update(status="failed")
    services.delivery_resend(delivery=delivery, user=merchant)
    run_outbox()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
