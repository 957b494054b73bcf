"""Redis out of reach (restarting: it keeps nothing on disk here). The platform-wide
throttles let requests through; a grant's quota, a contract that is never let go looser,
answers 503 `service_unavailable` with Retry-After: never a 500, and nothing metered."""

import pytest
from rest_framework.test import APIClient

from apps.delivery import quotas
from apps.delivery.models import UsageEvent
from tests.delivery.conftest import url

pytestmark = pytest.mark.django_db
DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "apps.core.redis_cache.RedisCache", "LOCATION": DOWN}}
    settings.REDIS_URL = DOWN
    yield settings
    quotas._counters_for.cache_clear()


def test_a_grants_records_answer_503_while_redis_is_down(key_client, grant, redis_down):
    response = key_client.get(url(grant))
    assert response.status_code == 503, response.content[:300]
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"] == "5"
    assert not UsageEvent.objects.exists()


def test_the_public_api_stays_up_while_redis_is_down(redis_down):
    response = APIClient().get("/api/v1/catalog/resources/")
    assert response.status_code == 200


def test_the_data_browser_says_to_come_back_while_redis_is_down(grant, merchant, redis_down):
    from django.test import Client

    from tests.conftest import login_web

    client = login_web(Client(), merchant)
    response = client.get(f"/portal/grants/{grant.pk}/data/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "restarting" in response.content.decode() or "重启" in response.content.decode()
