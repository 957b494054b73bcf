"""Django's Redis cache with one `redis.Redis` client per connection pool.

Django's RedisCacheClient.get_client builds a new `redis.Redis` on every cache call, and
each copies its ~170 response callbacks: about 0.2 ms of Python per call, several calls per
API request (throttles, quota counters). A client is thread-safe (each command takes a
connection from the pool), so one per pool is kept. Behaviour is otherwise Django's.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


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
