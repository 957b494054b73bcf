"""Public endpoints share the API's rate limits; PostgreSQL statements have a timeout."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from rest_framework.throttling import SimpleRateThrottle

from apps.core import dbtimeouts

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"}
    )
    cache.clear()


@pytest.mark.parametrize(
    "url", ["/api/3/action/package_list", "/api/action/package_search", "/catalog/dcat.ttl"]
)
def test_public_catalog_endpoints_are_throttled_with_retry_after(client, low_rates, url):
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get(url)
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    code = body["error"]["code"] if "/action/" in url else body["code"]
    assert code == "throttled"


def test_public_endpoints_and_the_api_share_one_budget_per_address(client, low_rates):
    client.get("/api/3/action/package_list")
    client.get("/catalog/dcat.jsonld")
    client.get("/api/v1/catalog/search/")
    assert client.get("/api/v1/catalog/search/").status_code == 429


@pytest.mark.parametrize("url", ["/catalog/", "/catalog/?q=企业", "/products/", "/disclosure/"])
def test_public_pages_doing_the_apis_work_share_its_budget(client, low_rates, url):
    """The catalog search page (search, facets and a count), the marketplace and the
    disclosure ran unthrottled beside their throttled API twins (security review
    2026-12-05): a scraper went around the API's limit through them."""
    client.get("/api/v1/catalog/search/")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response["Content-Type"].startswith("text/html")


@override_settings(DATABASE_STATEMENT_TIMEOUT_MS=1234, DATABASE_WORKER_STATEMENT_TIMEOUT_MS=98765)
def test_connections_get_the_web_or_worker_statement_timeout(monkeypatch):
    def opened_timeout() -> str:
        other = connection.copy()  # a fresh connection fires connection_created
        try:
            with other.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                return cursor.fetchone()[0]
        finally:
            other.close()

    monkeypatch.setattr(dbtimeouts._state, "in_request", True, raising=False)
    assert opened_timeout() == "1234ms"
    monkeypatch.setattr(dbtimeouts._state, "in_request", False)
    monkeypatch.setitem(dbtimeouts._worker, "active", True)
    assert opened_timeout() in ("98765ms", "98765")
    monkeypatch.setitem(dbtimeouts._worker, "active", False)
    assert opened_timeout() == "0"


def test_a_request_marks_its_thread_as_web_until_it_finishes(client):
    from django.core.signals import request_started

    request_started.send(sender=None)
    assert dbtimeouts.timeout_ms() == 10_000
    client.get("/healthz")
    assert dbtimeouts.timeout_ms() == 0


def test_concurrent_requests_never_get_past_the_rate(monkeypatch):
    """The counter is one atomic increment: 8 threads racing for 400 requests at
    100/minute get exactly 100 through (DRF's get-then-set history let extra ones by, as
    several processes sharing Redis do)."""
    import threading
    import uuid

    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache.backends.redis import RedisCache
    from django.test import RequestFactory

    from apps.core.api.throttles import AnonRateThrottle

    # Shared counters live in Redis in production: race there (this suite's own database).
    prefix = f"throttle-test-{uuid.uuid4().hex}"
    shared = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": prefix})
    monkeypatch.setattr(SimpleRateThrottle, "cache", shared)
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100/minute"})
    allowed = []

    def hammer():
        for _ in range(50):
            request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.9")
            request.user = AnonymousUser()
            allowed.append(AnonRateThrottle().allow_request(request, None))

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client = shared._cache.get_client()
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    assert sum(allowed) == 100
