import pytest
from django.db import transaction

from apps.core.models import WorkerHeartbeat
from apps.core.tasks import heartbeat
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_task_enqueued_on_commit_is_run_by_a_real_worker(celery_worker_process):
    # given a task scheduled inside a transaction
    with transaction.atomic():
        transaction.on_commit(lambda: heartbeat.delay("from-test"))
        # then nothing has been sent before the commit
        assert not WorkerHeartbeat.objects.filter(name="from-test").exists()
    # when the transaction commits, a worker process picks it up from Redis
    beat = wait_for(lambda: WorkerHeartbeat.objects.filter(name="from-test").first())
    assert beat.hostname


def test_task_is_not_sent_when_the_transaction_rolls_back(celery_worker_process):
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: heartbeat.delay("rolled-back"))
        raise RuntimeError("boom")
    heartbeat.delay("after-rollback")
    wait_for(lambda: WorkerHeartbeat.objects.filter(name="after-rollback").exists())
    assert not WorkerHeartbeat.objects.filter(name="rolled-back").exists()
