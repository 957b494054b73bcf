"""apps.core.redis_cache: Django's Redis cache with one client per pool behaves like
Django's, also from many threads at once."""

import threading
import uuid

from django.conf import settings

from apps.core.redis_cache import RedisCache


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
