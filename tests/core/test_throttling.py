import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch):
    # DRF binds the rates to the throttle class when it is first imported.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"}
    )
    cache.clear()


def test_anonymous_callers_are_throttled_with_a_json_429(api, low_rates):
    codes = [api.get("/api/v1/catalog/search/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/api/v1/catalog/search/")
    assert response.json()["code"] == "throttled"
    assert "Retry-After" in response


def test_throttling_counts_per_client_address(api, low_rates):
    for _ in range(3):
        api.get("/api/v1/catalog/search/", REMOTE_ADDR="198.51.100.1")
    assert api.get("/api/v1/catalog/search/", REMOTE_ADDR="198.51.100.1").status_code == 429
    assert api.get("/api/v1/catalog/search/", REMOTE_ADDR="198.51.100.2").status_code == 200
