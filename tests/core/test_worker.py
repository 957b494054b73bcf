"""Tasks go to a real worker through Redis, and only once their transaction commits.

The audit sealer task is the probe: it seals every committed, queued event."""

import time

import pytest
from django.db import transaction

from apps.audit.context import SYSTEM
from apps.audit.models import AuditSeal
from apps.audit.services import audit_record
from apps.audit.tasks import seal
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def sealed(event) -> bool:
    return AuditSeal.objects.filter(event_id=event.pk).exists()


def test_task_enqueued_on_commit_is_run_by_a_real_worker(celery_worker_process):
    # given a committed event and a task scheduled inside a transaction
    event = audit_record(actor=SYSTEM, action="test.worker")
    with transaction.atomic():
        transaction.on_commit(lambda: seal.delay())
        time.sleep(0.5)
        # then nothing has been sent before the commit
        assert not sealed(event)
    # when the transaction commits, a worker process picks it up from Redis
    wait_for(lambda: sealed(event))


def test_task_is_not_sent_when_the_transaction_rolls_back(celery_worker_process):
    event = audit_record(actor=SYSTEM, action="test.worker")
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: seal.delay())
        raise RuntimeError("boom")
    time.sleep(1.0)
    assert not sealed(event)
    seal.delay()  # the worker is alive: the same task, sent outside, does run
    wait_for(lambda: sealed(event))
