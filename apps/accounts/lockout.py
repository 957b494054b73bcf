"""Sign-in lockout: by the pair (username, client address), plus a much higher limit for
the address alone.

django-axes records every failure (one row per username, address and user agent). Its own
rule compares one count against one limit; ours has two limits, so the handler below
answers "the pair's count, or the pair limit once the address is over its own limit".
A whole office behind one NAT address is then stopped only by many failures across many
usernames, never by one person's typos.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from apps.audit.choices import Retention
from apps.audit.services import audit_record


@dataclass(frozen=True)
class LockState:
    pair_failures: int
    address_failures: int
    pair_limit: int
    address_limit: int
    lifts_at: datetime | None  # None while nothing is locked

    @property
    def attempts_left(self) -> int:
        return max(
            0,
            min(self.pair_limit - self.pair_failures, self.address_limit - self.address_failures),
        )

    @property
    def address_locked(self) -> bool:
        return self.address_failures >= self.address_limit

    @property
    def minutes_left(self) -> int:
        if self.lifts_at is None:
            return 0
        return max(1, math.ceil((self.lifts_at - timezone.now()).total_seconds() / 60))


def _recent(request, **filters):
    # A row counts while its latest failure is younger than the cool-off (as in axes).
    return AccessAttempt.objects.filter(
        attempt_time__gte=get_cool_off_threshold(request), **filters
    ).order_by("attempt_time")


def _lifts_at(rows, limit: int, request) -> datetime | None:
    """When enough of the oldest rows have aged out for the count to fall under the limit."""
    total = sum(row.failures_since_start for row in rows)
    if total < limit:
        return None
    cool_off = get_cool_off(request)
    for row in rows:
        total -= row.failures_since_start
        if total < limit:
            return row.attempt_time + cool_off
    return None  # not reached: the loop empties the total


def lock_state(request, credentials: dict | None = None) -> LockState:
    """The two counts, the attempts left and, when locked, the time the lock lifts."""
    AxesProxyHandler.update_request(request)
    username = get_client_username(request, credentials)
    address = request.axes_ip_address
    pair_rows = list(_recent(request, username=username, ip_address=address))
    address_rows = list(_recent(request, ip_address=address))
    pair_limit = get_failure_limit(request, credentials)
    address_limit = settings.AXES_IP_FAILURE_LIMIT
    ends = [
        moment
        for moment in (
            _lifts_at(pair_rows, pair_limit, request),
            _lifts_at(address_rows, address_limit, request),
        )
        if moment is not None
    ]
    return LockState(
        pair_failures=sum(row.failures_since_start for row in pair_rows),
        address_failures=sum(row.failures_since_start for row in address_rows),
        pair_limit=pair_limit,
        address_limit=address_limit,
        lifts_at=max(ends) if ends else None,
    )


class PairAndAddressHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler with the two limits above."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        address_failures = _count(_recent(request, ip_address=address))
        pair_limit = get_failure_limit(request, credentials)
        if address_failures >= settings.AXES_IP_FAILURE_LIMIT:
            return pair_limit
        return _count(_recent(request, username=username, ip_address=address))

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # A successful sign-in clears its own pair only: otherwise anyone holding one valid
        # account could wipe the address's count of failures on other usernames.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def _count(queryset) -> int:
    return queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0


@transaction.atomic
def sign_in_unlock(*, username: str = "", ip_address: str = "", actor=None) -> int:
    """Clears the failures of a username, an address or the pair (both given); audited.

    Returns the number of attempt rows removed. Used by `manage.py unlock_sign_in`.
    """
    if not username and not ip_address:
        raise ValueError("give a username, an address or both")
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    count, _ = attempts.delete()
    audit_record(
        actor=actor,
        action="auth.unlock",
        data={"username": username, "ip_address": ip_address, "cleared": count},
        retention=Retention.ACCESS,
    )
    return count
