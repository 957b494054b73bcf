"""Each anomaly rule fires on crafted evidence and stays quiet on normal use."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.delivery.alerts.services import alerts_evaluate
from apps.delivery.choices import AlertRule
from apps.delivery.models import Alert
from tests.delivery.alerts import at_local, event, usage

pytestmark = pytest.mark.django_db


def rules_raised(**kwargs) -> list[str]:
    return sorted(alert.rule for alert in alerts_evaluate(**kwargs))


# Volume ------------------------------------------------------------------------------


def test_a_day_far_above_the_grants_own_median_raises_a_volume_alert(grant):
    usage(grant, {i: 1000 for i in range(1, 15)} | {0: 60000})
    assert rules_raised() == [AlertRule.VOLUME]
    alert = Alert.objects.get()
    assert alert.grant == grant and alert.evidence["median_rows"] == 1000
    assert alert.evidence["rows"] == 60000
    assert "60,000" in alert.summary


def test_a_busy_day_in_line_with_the_baseline_raises_nothing(grant):
    usage(grant, {i: 20000 for i in range(1, 15)} | {0: 60000})  # 3x the median, under 5x
    assert rules_raised() == []


def test_a_new_grant_is_judged_against_the_floor_alone(grant):
    usage(grant, {0: 9000})  # no history: the median is 0, the floor (10000) decides
    assert rules_raised() == []
    usage(grant, {0: 10001})
    assert rules_raised() == [AlertRule.VOLUME]


# Hours -------------------------------------------------------------------------------


@override_settings(ALERTS_LOOKBACK_HOURS=24, ALERTS_ACCESS_HOURS="07:00-22:00")
def test_reads_at_night_raise_an_off_hours_alert_with_the_events_behind_it(
    grant, key_client, merchant
):
    night = [event(grant, actor=key_client.key, at=at_local(3, m)) for m in (0, 5)]
    event(grant, actor=key_client.key, at=at_local(10))  # within hours
    now = at_local(3, 30)
    assert rules_raised(now=now) == [AlertRule.OFF_HOURS]
    alert = Alert.objects.get()
    assert alert.api_key == key_client.key
    assert alert.event_ids == [e.pk for e in night]
    assert alert.params["count"] == 2 and alert.params["hours"] == "07:00-22:00"


@override_settings(ALERTS_LOOKBACK_HOURS=24, ALERTS_ACCESS_HOURS="07:00-22:00")
def test_reads_within_hours_raise_nothing(grant, merchant):
    for hour in (7, 12, 21):
        event(grant, actor=merchant, at=at_local(hour, 30))
    assert rules_raised(now=at_local(22)) == []


@override_settings(ALERTS_LOOKBACK_HOURS=24, ALERTS_ACCESS_HOURS="07:00-22:00")
def test_a_grant_whose_terms_allow_the_night_is_not_flagged(grant, merchant):
    grant.scope["access_hours"] = "00:00-24:00"
    grant.save(update_fields=["scope"])
    event(grant, actor=merchant, at=at_local(3))
    assert rules_raised(now=at_local(4)) == []


# Denials -----------------------------------------------------------------------------


def test_a_burst_that_straddles_the_clocks_ten_minutes_is_seen_whole(grant, key_client):
    boundary = timezone.now().replace(second=0, microsecond=0)
    boundary -= timedelta(minutes=boundary.minute % 10)
    # ten denials just before the boundary, ten just after: no fixed window holds 20
    for i in range(-10, 10):
        event(
            grant, actor=key_client.key, at=boundary + timedelta(seconds=i * 3),
            outcome="denied", reason="filter_invalid",
        )  # fmt: skip
    assert rules_raised(now=boundary + timedelta(minutes=1)) == [AlertRule.DENIAL_BURST]
    alert = Alert.objects.get()
    assert alert.params["count"] == 20 and len(alert.event_ids) == 20


def test_a_burst_of_denied_requests_of_a_key_raises_an_alert(grant, key_client):
    start = timezone.now().replace(second=0, microsecond=0)
    start -= timedelta(minutes=start.minute % 10)
    for i in range(20):
        event(
            grant, actor=key_client.key, at=start + timedelta(seconds=i * 20),
            outcome="denied", reason="filter_invalid",
        )  # fmt: skip
    assert rules_raised(now=start + timedelta(minutes=9)) == [AlertRule.DENIAL_BURST]
    alert = Alert.objects.get()
    assert alert.api_key == key_client.key and alert.params["count"] == 20
    assert len(alert.event_ids) == 20


def test_a_few_denials_raise_nothing(grant, key_client):
    now = timezone.now()
    for i in range(5):
        event(grant, actor=key_client.key, at=now - timedelta(minutes=i), outcome="denied")
    assert rules_raised(now=now) == []


# Networks ----------------------------------------------------------------------------


def test_a_key_read_from_a_network_it_never_used_raises_an_alert(grant, key_client):
    now = timezone.now()
    event(grant, actor=key_client.key, at=now - timedelta(days=20), ip="10.1.2.3")
    event(grant, actor=key_client.key, at=now - timedelta(minutes=5), ip="10.1.2.99")  # same /24
    assert rules_raised(now=now) == []
    event(grant, actor=key_client.key, at=now - timedelta(minutes=4), ip="203.0.113.7")
    assert rules_raised(now=now) == [AlertRule.NEW_NETWORK]
    assert Alert.objects.get().params["network"] == "203.0.113.0/24"


def test_a_keys_first_use_and_networks_known_within_30_days_raise_nothing(grant, key_client):
    now = timezone.now()
    event(grant, actor=key_client.key, at=now - timedelta(minutes=5), ip="2001:db8::1")
    assert rules_raised(now=now) == []  # nothing to compare the first use with
    event(grant, actor=key_client.key, at=now - timedelta(minutes=3), ip="2001:db8::ffff")
    assert rules_raised(now=now) == []


# Exports -----------------------------------------------------------------------------


def test_an_export_spike_raises_an_alert(grant, merchant):
    now = timezone.now()
    for i in range(25):
        event(grant, actor=merchant, at=now - timedelta(seconds=i), action="delivery.export.file")
    assert rules_raised(now=now) == [AlertRule.EXPORT_SPIKE]
    assert Alert.objects.get().evidence["exports"] == 25


def test_a_few_exports_in_line_with_past_days_raise_nothing(grant, merchant):
    now = timezone.now()
    for days_ago in range(0, 5):
        for i in range(8):
            event(
                grant, actor=merchant, at=now - timedelta(days=days_ago, seconds=i),
                action="delivery.export.file",
            )  # fmt: skip
    assert rules_raised(now=now) == []
