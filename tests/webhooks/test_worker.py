"""With a real Celery worker on Redis and PostgreSQL (on private queues) and a real local
receiver that verifies signatures: a signed delivery, retries with exponential backoff
to a visible final failure, and "send again"."""

import itertools
import time

import pytest
from django.db import transaction

from apps.audit.models import AuditEvent
from apps.webhooks import services
from apps.webhooks.models import WebhookDelivery
from apps.workflow.models import OutboxItem
from apps.workflow.outbox_sweep import outbox_sweep
from tests.conftest import wait_for
from tests.webhooks.conftest import endpoint_for
from tests.workflow.worker import start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

EVENT = "agreement.status_changed"
ATTEMPTS = 3
WORKER_ENV = {
    "WEBHOOKS_ALLOW_INSECURE_LOOPBACK": "true",
    "WEBHOOKS_MAX_ATTEMPTS": str(ATTEMPTS),
    "OUTBOX_RETRY_BASE_SECONDS": "1",  # retries after 1 s, then 2 s
}


@pytest.fixture
def worker(private_queues, loopback):
    loopback.WEBHOOKS_MAX_ATTEMPTS = ATTEMPTS  # outbox_add reads it in this process
    process = start_worker(**WORKER_ENV)
    yield process
    stop_worker(process)


def emit(organization) -> WebhookDelivery:
    with transaction.atomic():  # the nudge goes out when this commits
        (delivery,) = services.webhook_emit(
            organization=organization, event_type=EVENT, payload={"agreement": 1}
        )
    return delivery


def status_of(delivery) -> str:
    return WebhookDelivery.objects.get(pk=delivery.pk).status


def sweep_until(predicate, timeout: float):
    """The beat sweeper, every second: it nudges retries that come due (this test's
    worker sends no countdown nudges of its own)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        outbox_sweep()
        if result := predicate():
            return result
        time.sleep(1)
    raise AssertionError(f"condition not met within {timeout}s")


def test_a_worker_delivers_a_signed_event_that_the_receiver_verifies(worker, merchant, receiver):
    endpoint_for(merchant, receiver, [EVENT])
    delivery = emit(merchant.organization)
    wait_for(lambda: status_of(delivery) == "succeeded", timeout=60)
    (request,) = receiver.requests
    assert request["verified"]
    assert request["headers"]["X-Webhook-Id"] == str(delivery.event_id)
    assert request["json"]["data"] == {"agreement": 1}


def test_a_failing_receiver_is_retried_with_backoff_then_fails_and_can_be_sent_again(
    worker, merchant, receiver
):
    # given a receiver that answers 500
    endpoint_for(merchant, receiver, [EVENT])
    receiver.status = 500
    delivery = emit(merchant.organization)
    # when the worker has tried every attempt
    sweep_until(lambda: status_of(delivery) == "failed", timeout=90)
    # then the delivery failed visibly after exactly N attempts, spaced by the backoff
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status) == (ATTEMPTS, 500)
    log = list(delivery.log.all())
    assert [(a.number, a.response_status, a.succeeded) for a in log] == [
        (n, 500, False) for n in range(1, ATTEMPTS + 1)
    ]
    gaps = [(b.started_at - a.started_at).total_seconds() for a, b in itertools.pairwise(log)]
    assert gaps[0] >= 1 and gaps[1] >= 2, gaps
    assert len(receiver.requests) == ATTEMPTS and all(r["verified"] for r in receiver.requests)
    item = OutboxItem.objects.get(topic=services.DELIVER, target_id=str(delivery.pk))
    assert (item.status, item.attempts) == ("failed", ATTEMPTS)
    failure = AuditEvent.objects.get(action="webhooks.delivery.failed", target_id=str(delivery.pk))
    assert failure.outcome == "error" and "HTTP 500" in failure.reason
    # and "send again", once the receiver is fixed, delivers it as a new attempt
    receiver.status = 200
    services.delivery_resend(delivery=delivery, user=merchant)
    wait_for(lambda: status_of(delivery) == "succeeded", timeout=60)
    delivery.refresh_from_db()
    assert delivery.attempts == ATTEMPTS + 1
    assert [a.succeeded for a in delivery.log.all()] == [False] * ATTEMPTS + [True]
    assert {r["headers"]["X-Webhook-Id"] for r in receiver.requests} == {str(delivery.event_id)}
