"""The outbox: a row per piece of work, a nudge on commit, a claim, retries, failures."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import LeaseLost, claim, lease_renew, outbox_add, outbox_run

pytestmark = pytest.mark.django_db

NUDGE = "apps.workflow.tasks.outbox_run_task.apply_async"


def test_an_item_is_written_in_the_callers_transaction_and_nudged_after_commit(
    topic, django_capture_on_commit_callbacks
):
    topic("test.ok", lambda item: None)
    with mock.patch(NUDGE) as nudge:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            item = outbox_add(topic="test.ok", payload={"n": 1})
        assert not nudge.called
        for callback in callbacks:
            callback()
    nudge.assert_called_once_with((item.pk,), queue="default")
    assert (item.status, item.attempts, item.nudge_count) == ("pending", 0, 1)


def test_a_rolled_back_transaction_leaves_no_item_and_sends_nothing(topic):
    topic("test.ok", lambda item: None)
    with mock.patch(NUDGE) as nudge, pytest.raises(RuntimeError), transaction.atomic():
        outbox_add(topic="test.ok", payload={})
        raise RuntimeError("boom")
    assert not OutboxItem.objects.exists() and not nudge.called


def test_the_same_key_is_queued_once(topic):
    topic("test.ok", lambda item: None)
    assert outbox_add(topic="test.ok", payload={}, key="k1") is not None
    assert outbox_add(topic="test.ok", payload={}, key="k1") is None
    assert OutboxItem.objects.count() == 1


def test_an_unknown_topic_is_refused():
    with pytest.raises(LookupError):
        outbox_add(topic="nobody.listens", payload={})


def test_the_handler_runs_once_and_the_item_is_done(topic):
    calls = []
    topic("test.ok", calls.append)
    item = outbox_add(topic="test.ok", payload={"n": 1})
    assert outbox_run(item.pk) is True
    assert outbox_run(item.pk) is False
    item.refresh_from_db()
    assert (item.status, item.attempts, len(calls)) == ("done", 1, 1)
    assert item.finished_at is not None and item.lease_until is None


def test_a_failure_is_retried_with_exponential_backoff(topic, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30

    def broken(item):
        raise ConnectionRefusedError("mail server down")

    topic("test.fail", broken)
    item = outbox_add(topic="test.fail", payload={})
    delays = []
    for _ in range(3):
        now = timezone.now()
        with mock.patch(NUDGE) as nudge:
            outbox_run(item.pk)
        item.refresh_from_db()
        delays.append(round((item.next_attempt_at - now).total_seconds() / 10) * 10)
        assert nudge.call_args.kwargs["countdown"] == pytest.approx(delays[-1], abs=1)
        assert item.status == "pending" and "mail server down" in item.last_error
        assert outbox_run(item.pk) is False  # not due yet
        OutboxItem.objects.filter(pk=item.pk).update(next_attempt_at=timezone.now())
    assert delays == [30, 60, 120]


def test_a_handler_that_always_fails_ends_failed_after_max_attempts(topic, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3

    def broken(item):
        raise ValueError("always")

    topic("test.fail", broken)
    item = outbox_add(topic="test.fail", payload={}, obj=None)
    for _ in range(5):
        OutboxItem.objects.filter(pk=item.pk).update(next_attempt_at=timezone.now())
        with mock.patch(NUDGE):
            outbox_run(item.pk)
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("failed", 3)
    event = AuditEvent.objects.get(action="workflow.outboxitem.fail", target_id=str(item.pk))
    assert event.outcome == "error" and "always" in event.reason


def test_a_running_item_is_not_claimed_while_its_lease_holds(topic, settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    topic("test.ok", lambda item: None)
    item = outbox_add(topic="test.ok", payload={})
    first = claim(item.pk)
    assert first is not None and claim(item.pk) is None
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        second = claim(item.pk)
    assert second is not None and second.leased_by != first.leased_by
    assert second.attempts == 2


def test_a_zombie_worker_loses_its_lease_and_stops(topic):
    topic("test.ok", lambda item: None)
    item = outbox_add(topic="test.ok", payload={})
    zombie = claim(item.pk)
    lease_renew(zombie, progress=0.5)
    assert OutboxItem.objects.get(pk=item.pk).progress == 0.5
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        successor = claim(item.pk)
    with pytest.raises(LeaseLost):
        lease_renew(zombie)
    lease_renew(successor)


def test_a_job_that_kills_its_worker_every_time_ends_failed(topic, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    topic("test.ok", lambda item: None)
    item = outbox_add(topic="test.ok", payload={})
    later = timezone.now()
    for _ in range(2):  # claimed, then the worker dies (nothing marks the row)
        later += timedelta(minutes=5)
        with time_machine.travel(later):
            assert claim(item.pk) is not None
    with time_machine.travel(later + timedelta(minutes=5)):
        assert outbox_run(item.pk) is False
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("failed", 2)
    assert "lost" in item.last_error


@pytest.mark.django_db(transaction=True)
def test_lease_kept_renews_the_lease_while_a_long_call_runs(topic, settings):
    import time

    from apps.workflow.outbox import lease_kept

    settings.OUTBOX_LEASE_SECONDS = 60
    topic("test.ok", lambda item: None)
    item = claim(outbox_add(topic="test.ok", payload={}).pk)
    first = item.lease_until
    renewed = False
    with lease_kept(item, every=0.1):
        # one long call that cannot report progress; on a busy machine the renewing
        # thread's first connection may take a while, so it is given up to 10 s
        deadline = time.monotonic() + 10
        while not renewed and time.monotonic() < deadline:
            time.sleep(0.1)
            renewed = OutboxItem.objects.get(pk=item.pk).lease_until > first
    assert renewed


def test_the_admin_tries_failed_items_again_and_records_it(topic, admin_user, rf):
    from django.contrib.admin.sites import site

    from apps.workflow.admin import OutboxItemAdmin

    topic("test.ok", lambda item: None)
    item = outbox_add(topic="test.ok", payload={})
    OutboxItem.objects.filter(pk=item.pk).update(status="failed", attempts=5)
    request = rf.post("/admin/")
    request.user = admin_user
    model_admin = OutboxItemAdmin(OutboxItem, site)
    with mock.patch.object(model_admin, "message_user"), mock.patch(NUDGE):
        model_admin.retry(request, OutboxItem.objects.all())
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(
        action="workflow.outboxitem.retry", target_id=str(item.pk), actor_id=str(admin_user.pk)
    ).exists()
    assert outbox_run(item.pk) is True


def test_prune_deletes_old_finished_work_and_keeps_failures_and_recent_work(topic, settings):
    from apps.workflow.outbox_sweep import outbox_prune

    settings.OUTBOX_KEEP_DAYS = 30
    name = topic("test.prune", lambda item: None)
    old_done = outbox_add(topic=name, payload={}, key="old")
    recent_done = outbox_add(topic=name, payload={}, key="recent")
    old_failed = outbox_add(topic=name, payload={}, key="failed")
    long_ago = timezone.now() - timedelta(days=31)
    OutboxItem.objects.filter(pk=old_done.pk).update(status="done", finished_at=long_ago)
    OutboxItem.objects.filter(pk=recent_done.pk).update(status="done", finished_at=timezone.now())
    OutboxItem.objects.filter(pk=old_failed.pk).update(status="failed", finished_at=long_ago)
    assert outbox_prune() == 1
    assert set(OutboxItem.objects.values_list("pk", flat=True)) == {recent_done.pk, old_failed.pk}
