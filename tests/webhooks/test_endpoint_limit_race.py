"""The endpoint limit holds when an organization registers many endpoints at once (on
PostgreSQL with real threads): found in review, 30 requests at once on top of 10
endpoints left 23 against a limit of 20."""

import pytest

from apps.webhooks import services
from apps.webhooks.models import WebhookEndpoint
from tests.grants.test_api_concurrency import racing_posts

pytestmark = pytest.mark.django_db(transaction=True)


def test_endpoints_registered_at_once_stop_at_the_limit(loopback, merchant):
    loopback.WEBHOOKS_MAX_ENDPOINTS = 4
    services.endpoint_create(
        user=merchant, url="http://127.0.0.1:9/in", event_types=["webhook.ping"]
    )
    body = {"url": "http://127.0.0.1:9/in", "event_types": ["webhook.ping"]}
    responses = racing_posts([(merchant, "/api/v1/webhooks/endpoints/", body)] * 8)
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 3, [r.content[:200] for r in responses]
    refused = [r.json()["code"] for r in responses if r.status_code != 201]
    assert refused == ["webhook_endpoint_limit"] * 5
    assert WebhookEndpoint.objects.filter(organization=merchant.organization).count() == 4
