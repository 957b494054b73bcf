"""apps.core.redis_cache: Django's Redis cache with one client per pool behaves like
Django's, also from many threads at once."""

import threading
import uuid
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache

from apps.core.redis_cache import RedisCache, incr_existing


@contextmanager
def commands(cache: RedisCache):
    """The Redis commands `cache` sends inside the block, by name."""
    calls = []
    client = cache._cache.get_client(write=True)
    original = client.execute_command

    def counted(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    client.execute_command = counted
    try:
        yield calls
    finally:
        client.execute_command = original


def test_one_client_serves_every_call_and_threads_count_exactly():
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"rc-test-{uuid.uuid4().hex}"})
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=False)
    cache.set("text", {"a": 1}, 60)
    assert cache.get("text") == {"a": 1} and cache.get("missing", 7) == 7
    assert cache.add("n", 0, 60)

    def hammer():
        for _ in range(200):
            cache.incr("n")

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("n") == 1600
    cache.delete_many(["text", "n"])
    assert cache.get("n") is None


def test_counters_keep_djangos_contract_in_one_round_trip():
    """incr raises ValueError for a missing key, as Django's does; incr_existing counts the
    counters that exist (a delta of 0 reads one) and gives None for the others, on Redis
    and through the same helper on any other cache."""
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"rc-test-{uuid.uuid4().hex}"})
    local = LocMemCache(f"rc-{uuid.uuid4().hex}", {})
    for store in (cache, local):
        with pytest.raises(ValueError):
            store.incr("absent")
        store.add("a", 5, 60)
        store.add("b", 1, 60)
        assert incr_existing(store, ["a", "absent", "b"], [2, 1, 0]) == [7, None, 1]
        assert store.decr("a", 3) == 4 and store.get("a") == 4
        assert store.get("absent") is None  # a missing counter is not created
    with commands(cache) as calls:
        incr_existing(cache, ["a", "b"], [1, 0])
    assert len(calls) == 1  # one EVALSHA
    cache.delete_many(["a", "b"])


def test_the_default_cache_counts_in_one_round_trip_too():
    """The API's throttles count on `django.core.cache.cache`, a proxy to the default
    cache: one EVALSHA per request as well, not an INCR and then a GET."""
    from django.core.cache import cache, caches
    from django.test import override_settings

    redis_default = {
        "default": {
            "BACKEND": "apps.core.redis_cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"rc-test-{uuid.uuid4().hex}",
        }
    }
    with override_settings(CACHES=redis_default):
        backend = caches["default"]
        assert isinstance(backend, RedisCache) and not isinstance(cache, RedisCache)
        cache.add("a", 1, 60)
        with commands(backend) as calls:
            assert incr_existing(cache, ["a", "b"], [1, 0]) == [2, None]
        assert calls == ["EVALSHA"]
        cache.delete("a")
