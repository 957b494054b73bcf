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


@pytest.mark.parametrize("url", ["/api/v1/catalog/search/", "/products/", "/catalog/dcat.ttl"])
def test_a_forwarded_for_header_is_no_new_budget_without_a_trusted_proxy(
    api, low_rates, settings, url
):
    """With no proxy in front (TRUSTED_PROXY_COUNT 0, `make run`), DRF's throttles took
    the whole X-Forwarded-For header as the client's identity: a caller naming itself
    anew in each request was never throttled."""
    assert settings.TRUSTED_PROXY_COUNT == 0
    codes = [
        api.get(url, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(api, low_rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        api.get("/api/v1/catalog/search/", HTTP_X_FORWARDED_FOR="203.0.113.1")
    blocked = api.get("/api/v1/catalog/search/", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert blocked.status_code == 429
    other = api.get("/api/v1/catalog/search/", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert other.status_code == 200
