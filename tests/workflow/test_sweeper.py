"""The one sweeper nudges only rows whose nudge is overdue, and records that it did."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from apps.workflow.models import OutboxItem
from apps.workflow.outbox import claim, outbox_add
from apps.workflow.outbox_sweep import outbox_sweep

pytestmark = pytest.mark.django_db

NUDGE = "apps.workflow.tasks.outbox_run_task.apply_async"


@pytest.fixture
def item(topic):
    topic("test.ok", lambda item: None)
    return outbox_add(topic="test.ok", payload={})


def sweep(now):
    from django.test import TestCase

    with mock.patch(NUDGE) as nudge, TestCase.captureOnCommitCallbacks(execute=True):
        nudged = outbox_sweep(now=now)
    assert nudge.call_count == len(nudged)
    return nudged


def test_a_freshly_nudged_item_is_left_alone(item):
    assert sweep(timezone.now()) == []


def test_a_pending_item_whose_nudge_was_lost_is_nudged_once_then_waits_longer(item, settings):
    settings.OUTBOX_RENUDGE_SECONDS, settings.OUTBOX_RENUDGE_MAX_SECONDS = 300, 3600
    start = timezone.now()
    nudges = [
        minute for minute in range(0, 90) if sweep(start + timedelta(minutes=minute, seconds=1))
    ]
    # 5 min after creation, then 10, 20, 40 minutes after each unanswered nudge
    assert nudges == [5, 15, 35, 75]
    item.refresh_from_db()
    assert item.nudge_count == 5 and item.last_nudged_at > start


def test_work_due_later_is_nudged_when_due(topic, settings):
    topic("test.ok", lambda item: None)
    later = timezone.now() + timedelta(days=2)
    with mock.patch(NUDGE) as nudge:
        item = outbox_add(topic="test.ok", payload={}, run_at=later)
    assert not nudge.called and item.last_nudged_at is None
    assert sweep(later - timedelta(seconds=1)) == []
    assert sweep(later) == [item.pk]
    assert sweep(later + timedelta(seconds=30)) == []


def test_a_running_item_whose_lease_lapsed_is_nudged_at_once(item, settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    claimed = claim(item.pk)
    assert sweep(claimed.lease_until - timedelta(seconds=1)) == []
    assert sweep(claimed.lease_until + timedelta(seconds=1)) == [item.pk]
    assert sweep(claimed.lease_until + timedelta(seconds=31)) == []


def test_finished_items_are_never_nudged(item):
    OutboxItem.objects.filter(pk=item.pk).update(status="done", last_nudged_at=None)
    assert sweep(timezone.now() + timedelta(days=1)) == []


def test_the_sweeper_is_the_only_sweeper_in_the_beat_schedule(settings):
    from apps.workflow.tasks import outbox_sweep_task

    sweeps = [k for k, v in settings.CELERY_BEAT_SCHEDULE.items() if "sweep" in v["task"]]
    assert sweeps == ["workflow-outbox-sweep"]
    entry = settings.CELERY_BEAT_SCHEDULE["workflow-outbox-sweep"]
    assert entry["task"] == outbox_sweep_task.name and entry["schedule"] == 30.0


def test_countdowns_stay_below_the_broker_visibility_timeout(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    assert visibility > settings.OUTBOX_MAX_COUNTDOWN_SECONDS
    assert visibility > settings.OUTBOX_LEASE_SECONDS


def test_rows_waiting_their_turn_do_not_hide_an_overdue_one(topic, monkeypatch):
    from apps.workflow import outbox_sweep as sweeper

    monkeypatch.setattr(sweeper, "BATCH", 2)
    topic("test.ok", lambda item: None)
    for _ in range(3):
        outbox_add(topic="test.ok", payload={})  # nudged just now
    lost = outbox_add(topic="test.ok", payload={})
    OutboxItem.objects.filter(pk=lost.pk).update(last_nudged_at=None)
    assert sweep(timezone.now()) == [lost.pk]
