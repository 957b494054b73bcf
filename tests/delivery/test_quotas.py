"""Rate limits and daily quotas answer 429 with Retry-After and a code; metering in
PostgreSQL counts each served request once, and survives a flush of Redis."""

import pytest

from apps.delivery import quotas
from apps.delivery.models import UsageDay, UsageEvent
from apps.delivery.quotas import counters
from apps.grants.models import Grant
from tests.delivery.conftest import credit, url, within_one_clock_minute

pytestmark = pytest.mark.django_db


def limit(grant, **values) -> None:
    Grant.objects.filter(pk=grant.pk).update(**values)


def flush_my_redis_db() -> None:
    """FLUSHDB of this run's own Redis database (TEST_REDIS_URL), never FLUSHALL."""
    counters().clear()


def test_the_rate_per_minute_answers_429_rate_limited(key_client, grant):
    limit(grant, rate_per_minute=3)
    within_one_clock_minute()
    answers = [key_client.get(url(grant, page_size=1)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].json()["code"] == "rate_limited"
    assert 1 <= int(answers[3]["Retry-After"]) <= 60


def test_a_call_refused_by_the_rate_does_not_use_up_the_days_calls(key_client, grant):
    """The counters are counted together; a refused call gives every one of them back."""
    limit(grant, rate_per_minute=2, calls_per_day=4)
    within_one_clock_minute()
    answers = [key_client.get(url(grant, page_size=1)).status_code for _ in range(5)]
    assert answers == [200, 200, 429, 429, 429]
    limit(grant, rate_per_minute=100)
    answers = [key_client.get(url(grant, page_size=1)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "quota_exhausted"
    assert UsageDay.objects.get(grant=grant).calls == 4


def test_calls_per_day_answers_quota_exhausted_even_after_redis_forgets(key_client, grant):
    limit(grant, calls_per_day=3)
    for _ in range(2):
        assert key_client.get(url(grant, page_size=1)).status_code == 200
    flush_my_redis_db()  # the counters are rebuilt from PostgreSQL
    assert key_client.get(url(grant, page_size=1)).status_code == 200
    refused = key_client.get(url(grant, page_size=1))
    assert (refused.status_code, refused.json()["code"]) == (429, "quota_exhausted")
    assert int(refused["Retry-After"]) > 0


def test_rows_per_day_shortens_the_last_page_then_refuses(key_client, grant):
    limit(grant, rows_per_day=25)
    assert len(key_client.get(url(grant, page_size=20)).json()["results"]) == 20
    flush_my_redis_db()
    assert len(key_client.get(url(grant, page_size=20)).json()["results"]) == 5
    refused = key_client.get(url(grant, page_size=20))
    assert (refused.status_code, refused.json()["code"]) == (429, "quota_exhausted")


def test_metering_totals_are_exact_across_a_redis_flush(key_client, grant):
    sizes = [3, 7, 11, 2, 5]
    served = []
    for i, size in enumerate(sizes):
        if i == 2:
            flush_my_redis_db()
        response = key_client.get(url(grant, page_size=size))
        assert response.status_code == 200
        served.append(len(response.content))
    key_client.get(url(grant, page_size=5000))  # refused: not metered
    usage = UsageDay.objects.get(grant=grant)
    assert (usage.calls, usage.rows, usage.bytes) == (5, sum(sizes), sum(served))
    assert UsageEvent.objects.filter(grant=grant).count() == 5


@pytest.mark.parametrize("portable", [False, True], ids=["one statement", "portable"])
def test_a_request_id_is_metered_once_and_days_are_kept_apart(grant, portable, monkeypatch):
    """Both ways of metering: PostgreSQL's one statement and the ORM's three (the
    embedded default, SQLite, has no data-modifying CTE)."""
    from django.db import connection
    from django.utils import timezone

    from apps.delivery.quotas import meter

    if portable:
        monkeypatch.setattr(connection, "vendor", "sqlite")
    assert meter(grant, request_id="r-1", rows=4, size=40) is True
    assert meter(grant, request_id="r-1", rows=4, size=40) is False  # a replay: ignored
    assert meter(grant, request_id="r-2", rows=6, size=60) is True
    usage = UsageDay.objects.get(grant=grant, day=timezone.localdate())
    assert (usage.calls, usage.rows, usage.bytes) == (2, 10, 100)
    assert list(UsageEvent.objects.filter(grant=grant).values_list("request_id", "rows")) == [
        ("r-2", 6),
        ("r-1", 4),
    ]


def test_old_usage_events_are_pruned_and_the_day_totals_stay(grant, settings):
    from datetime import timedelta

    from django.utils import timezone

    from apps.delivery.quotas import meter
    from apps.delivery.tasks import usage_events_prune

    for i in range(5):
        meter(grant, request_id=f"r-{i}", rows=2, size=20)
    keep = timedelta(days=settings.DELIVERY_USAGE_EVENTS_KEEP_DAYS)
    old = UsageEvent.objects.filter(request_id__in=["r-0", "r-1", "r-2"])
    old.update(created_at=timezone.now() - keep - timedelta(minutes=1))
    assert usage_events_prune() == {"removed": 3}
    assert set(UsageEvent.objects.values_list("request_id", flat=True)) == {"r-3", "r-4"}
    usage = UsageDay.objects.get(grant=grant)
    assert (usage.calls, usage.rows, usage.bytes) == (5, 10, 100)
    assert usage_events_prune() == {"removed": 0}


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs: no outer transaction
@pytest.mark.parametrize("portable", [False, True], ids=["one statement", "portable"])
def test_metering_and_its_audit_event_are_written_together_or_not_at_all(
    grant, portable, monkeypatch
):
    """A record page's metering and its audit event: one statement on PostgreSQL (no
    transaction of its own), one transaction elsewhere. When the audit event cannot be
    written, nothing is metered."""
    from django.db import DatabaseError, connection

    from apps.audit.models import AuditEvent
    from apps.delivery.quotas import meter_audited

    if portable:
        monkeypatch.setattr(connection, "vendor", "sqlite")
    audit = {"action": "delivery.records.read", "target": grant, "data": {"rows": 4}}
    meter_audited(grant, request_id="r-1", rows=4, size=40, target_org=grant.merchant_id, **audit)
    events = AuditEvent.objects.filter(action="delivery.records.read", target_id=str(grant.pk))
    assert events.count() == 1 and events.get().target_org_id == grant.merchant_id
    with pytest.raises(DatabaseError):  # a target organization beyond bigint: the audit fails
        meter_audited(grant, request_id="r-2", rows=6, size=60, target_org=2**70, **audit)
    assert list(UsageEvent.objects.values_list("request_id", flat=True)) == ["r-1"]
    usage = UsageDay.objects.get(grant=grant)
    assert (usage.calls, usage.rows, usage.bytes) == (1, 4, 40)
    assert events.count() == 1


def test_a_page_counts_its_rows_as_it_is_admitted_and_gives_back_what_it_did_not_read(
    key_client, grant
):
    limit(grant, rows_per_day=1000)
    three = {"filter[credit_code][in]": f"{credit(5)},{credit(7)},{credit(9)}"}
    assert len(key_client.get(url(grant, page_size=500, **three)).json()["results"]) == 3
    assert quotas.rows_used(Grant.objects.get(pk=grant.pk)) == 3
    assert len(key_client.get(url(grant, page_size=40)).json()["results"]) == 40
    refused = key_client.get(url(grant, page_size="x"))  # refused: its reservation goes back
    assert refused.json()["code"] == "page_size_invalid"
    assert quotas.rows_used(Grant.objects.get(pk=grant.pk)) == 43
    assert UsageDay.objects.get(grant=grant).rows == 43


def test_pages_admitted_together_cannot_read_past_the_days_rows(grant):
    """Two pages admitted before either has read: the second gets only the rows the first
    did not reserve, the third none (checking the rows left, then counting them after the
    read, would let each of them read the whole rest of the day)."""
    limit(grant, rows_per_day=25)
    grant = Grant.objects.get(pk=grant.pk)
    assert quotas.admit(grant, None, reserve=20) == 20
    assert quotas.admit(grant, None, reserve=20) == 5
    with pytest.raises(quotas.Limited) as refused:
        quotas.admit(grant, None, reserve=20)
    assert refused.value.code == "quota_exhausted"
    assert quotas.rows_used(grant) == 25
    quotas.unreserve(grant, 20)  # the first page read nothing after all
    assert quotas.admit(grant, None, reserve=30) == 20


def test_a_page_served_and_metered_stays_served_when_redis_fails_to_take_back_rows(
    key_client, grant, monkeypatch
):
    """A short page gives back the rows it reserved and did not read after metering has
    committed; a Redis failure there neither takes the page back nor writes a refusal
    (the rows stay counted, so the quota is stricter, not looser; a restarted Redis
    seeds the day's rows from PostgreSQL, which holds exactly the rows served)."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from apps.audit.models import AuditEvent

    limit(grant, rows_per_day=1000)

    def redis_gone(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    class Gone:
        def __getattr__(self, name):
            return redis_gone

    # Redis answers the admission, then is gone when the unread rows go back.
    real_unreserve, real_counters = quotas.unreserve, quotas.counters
    given_back = []

    def unreserving_without_redis(grant, rows):
        given_back.append(rows)
        monkeypatch.setattr(quotas, "counters", Gone)
        try:
            return real_unreserve(grant, rows)
        finally:
            monkeypatch.setattr(quotas, "counters", real_counters)

    monkeypatch.setattr(quotas, "unreserve", unreserving_without_redis)
    # The row filter keeps 101 rows; one of them does not start with 9.
    response = key_client.get(url(grant, page_size=1000, **{"filter[credit_code][prefix]": "9"}))
    assert response.status_code == 200 and len(response.json()["results"]) == 100
    assert given_back == [900]
    assert UsageDay.objects.get(grant=grant).rows == 100
    outcomes = AuditEvent.objects.filter(action="delivery.records.read").values_list(
        "outcome", flat=True
    )
    assert list(outcomes) == ["allowed"]
    assert quotas.rows_used(Grant.objects.get(pk=grant.pk)) == 1000  # kept: stricter
    monkeypatch.undo()
    flush_my_redis_db()
    assert quotas.rows_used(Grant.objects.get(pk=grant.pk)) == 100  # from PostgreSQL


def test_the_grants_own_rate_limits_its_pages_not_the_platforms_user_budget(
    key_client, grant, monkeypatch
):
    """The regulator set the grant's rate: the platform-wide per-user throttle
    (API_THROTTLE_USER) neither caps record pages below it nor counts them. The
    user's other calls keep that budget."""
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100/minute", "user": "2/minute"}
    )
    cache.clear()
    limit(grant, rate_per_minute=5)
    within_one_clock_minute()
    answers = [key_client.get(url(grant, page_size=1)) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[5].json()["code"] == "rate_limited"
    usage = [key_client.get(f"/api/v1/grants/{grant.pk}/usage/") for _ in range(3)]
    assert [u.status_code for u in usage] == [200, 200, 429]
    assert usage[2].json()["code"] == "throttled"
