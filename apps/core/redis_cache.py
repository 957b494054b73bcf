"""Django's Redis cache with one `redis.Redis` client per connection pool, and counters
in one round trip.

Django's RedisCacheClient.get_client builds a new `redis.Redis` on every cache call, and
each copies its ~170 response callbacks: about 0.2 ms of Python per call, several calls per
API request (throttles, quota counters). A client is thread-safe (each command takes a
connection from the pool), so one per pool is kept.

Django's `incr` asks `EXISTS`, then `INCRBY`: two round trips per counter. Here `incr` (and
so `decr`) is one Lua script with Django's contract (ValueError for a missing key; values
stored as Redis integers), and `incr_existing` counts several counters, or reads them with a
delta of 0, in one round trip. Behaviour is otherwise Django's.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.connection import ConnectionProxy

# INCRBY of existing keys only (nil for a missing one).
_INCR_EXISTING = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then "
    "return redis.call('INCRBY', KEYS[1], ARGV[1]) end return false"
)
_INCR_EXISTING_MANY = (
    "local out = {} for i, key in ipairs(KEYS) do "
    "if redis.call('EXISTS', key) == 1 then out[i] = redis.call('INCRBY', key, ARGV[i]) "
    "else out[i] = false end end return out"
)


class RedisCacheClient(DjangoRedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(pool)
        if client is None:
            client = clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def _script(self, key: str, source: str):
        client = self._cache.get_client(key, write=True)
        scripts = self.__dict__.setdefault("_scripts", {})
        script = scripts.get((source, id(client)))
        if script is None:
            script = scripts[(source, id(client))] = client.register_script(source)
        return script

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        value = self._script(key, _INCR_EXISTING)(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def incr_existing(self, keys: list[str], deltas: list[int], version=None) -> list:
        """INCRBY each existing key by its delta (0 reads it); None for a missing key."""
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        values = self._script(names[0], _INCR_EXISTING_MANY)(keys=names, args=deltas)
        return [None if value is None else int(value) for value in values]


def incr_existing(cache, keys: list[str], deltas: list[int]) -> list:
    """`RedisCache.incr_existing` on any Django cache (one call per counter elsewhere)."""
    if isinstance(cache, ConnectionProxy):  # django.core.cache.cache: the default cache
        cache = cache._connections[cache._alias]
    if isinstance(cache, RedisCache):
        return cache.incr_existing(keys, deltas)
    values = []
    for key, delta in zip(keys, deltas, strict=True):
        try:
            values.append(cache.incr(key, delta) if delta else cache.get(key))
        except ValueError:
            values.append(None)
    return values
