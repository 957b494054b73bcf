"""A task sent to one queue lands in that queue only: an approvals worker never gets an
hour-long ingestion, an ingest worker never sits on a waiting approval."""

import pytest
from kombu import Connection

from config.celery import app

QUEUES = ("approvals", "ingest", "default")


@pytest.mark.parametrize("target", QUEUES)
def test_a_message_routed_to_one_queue_reaches_only_that_queue(target):
    with Connection("memory://") as conn:
        channel = conn.default_channel
        for name in QUEUES:
            app.amqp.queues[name](channel).declare()
        route = app.amqp.router.route({"queue": target}, "workflow.outbox.run", (1,), {})
        queue = route["queue"]
        conn.Producer(channel).publish(
            {"probe": target}, exchange=queue.exchange, routing_key=queue.routing_key
        )
        counts = {name: channel.queue_declare(name, passive=True).message_count for name in QUEUES}
        for name in QUEUES:
            channel.queue_purge(name)
    assert counts == {name: int(name == target) for name in QUEUES}
