"""The API's throttle classes (DEFAULT_THROTTLE_CLASSES): per client IP and per user.

Kept apart from apps.core.throttling, which imports the error helpers: DRF loads these
classes while its views module is still importing.
"""

import logging

from redis.exceptions import RedisError
from rest_framework import throttling

from apps.core.net import client_ip
from apps.core.redis_cache import incr_existing

logger = logging.getLogger(__name__)


class _AtomicWindow:
    """DRF's throttles keep a list of timestamps per client and write it back (get, then
    set): concurrent requests overwrite each other's entries, and 8 racing clients got 379 of
    400 requests through a 100/minute limit on Redis. Here the count is one atomic INCR per window,
    and a sliding window is estimated from the current and the previous count, weighted by
    how far into the current window we are. Refused requests are not counted.

    With Redis out of reach a budget lets the request through (`fail_open`) or raises."""

    fail_open = True

    def get_ident(self, request):
        """The client's address as the platform reads it everywhere (apps.core.net:
        X-Forwarded-For only as far as TRUSTED_PROXY_COUNT trusts it). DRF's own took the
        whole header when no proxy count was set: a caller naming itself anew with each
        request was never throttled."""
        return client_ip(request) or "unknown"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        try:
            return self._counted()
        except RedisError:
            if not self.fail_open:
                raise
            # The platform-wide budgets guard against floods, not a contract: while Redis
            # restarts they let requests through (a grant's own quota does not).
            logger.warning("throttle %s not counted: Redis out of reach", self.scope)
            return True

    def _counted(self) -> bool:
        now = self.timer()
        window, into = divmod(now, self.duration)
        current = f"{self.key}:{int(window)}"
        # This window counted and the last one read, in one round trip on Redis.
        count, previous = incr_existing(
            self.cache, [current, f"{self.key}:{int(window) - 1}"], [1, 0]
        )
        if count is None:  # first request of the window (or lost the race to open it)
            count = 1 if self.cache.add(current, 1, self.duration * 2) else None
            count = count or self.cache.incr(current)
        previous = previous or 0
        if previous * (1 - into / self.duration) + count <= self.num_requests:
            return True
        self.cache.decr(current)
        self.wait_seconds = self.duration - into
        return False

    def wait(self):
        return getattr(self, "wait_seconds", None)


class AnonRateThrottle(_AtomicWindow, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_AtomicWindow, throttling.UserRateThrottle):
    def get_cache_key(self, request, view):
        # Anonymous callers are the per-IP throttle's business (DRF would count them here
        # too, by IP, at the users' rate: a second counter for nothing).
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
