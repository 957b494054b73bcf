"""With real worker processes on Redis and PostgreSQL: a worker SIGKILLed in the middle of
an ingestion, a flushed Redis, a mail server that is down. The database is the truth; the
lease and the one sweeper bring every piece of work to its end exactly once."""

import csv
import io
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.catalog import timers as catalog_timers
from apps.catalog.ingest import services
from apps.catalog.models import DataResource, DatasetUpload, DatasetVersion, ReminderSent
from apps.workflow.models import OutboxItem
from apps.workflow.outbox_mail import mail_send_later
from apps.workflow.outbox_sweep import outbox_sweep
from tests.catalog.ingest.conftest import HEADER, make_resource
from tests.conftest import wait_for
from tests.workflow.smtp import SMTPServer, free_port
from tests.workflow.worker import (
    flush_redis,
    kill_worker,
    poll,
    start_worker,
    stop_worker,
    taken_over,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROW = ["张三", "110101199003071234", "13812345678", "北京市东城区东华门街道1号", "34",
       "1234.56", "是", "1990-03-07", "2024-05-01 08:30:00"]  # fmt: skip
# A test-only small read block makes many batches, so the job is still running when killed.
SLOW = {"CATALOG_INGEST_BLOCK_BYTES": "16384"}


@pytest.fixture
def shared_dir(settings, tmp_path):
    """Uploads and datasets live where this process and its workers both look."""
    settings.DATA_DIR = tmp_path
    return tmp_path


def big_csv(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([ROW] * rows)
    return buffer.getvalue().encode()


def upload(resource, provider, rows: int = 3) -> DatasetUpload:
    return services.dataset_upload_create(
        resource=resource,
        uploaded_file=SimpleUploadedFile("data.csv", big_csv(rows)),
        user=provider,
    )


def smtp_env(port: int) -> dict:
    return {
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_TIMEOUT": "5",
    }


def expiring(resource) -> None:
    DataResource.objects.filter(pk=resource.pk).update(
        expires_at=timezone.now() + timedelta(days=80)
    )


def sweep_until(predicate, timeout: float):
    """Runs the sweeper every second (retries are due after 1 s here) until `predicate`."""

    def swept():
        outbox_sweep()
        return predicate()

    return poll(swept, timeout, interval=1)


def test_a_worker_killed_mid_ingestion_is_taken_over_after_a_redis_flush(
    private_queues, shared_dir, provider
):
    # given a worker ingesting a large upload
    resource = make_resource(provider)
    first = start_worker(**SLOW)
    try:
        job = upload(resource, provider, rows=60_000)
        wait_for(
            lambda: DatasetUpload.objects.filter(pk=job.pk, rows_processed__gt=0).exists(),
            timeout=60,
            interval=0.02,
        )
        # when it is SIGKILLed in the middle of the job and Redis loses every message
        kill_worker(first)
    finally:
        kill_worker(first)
    killed = DatasetUpload.objects.get(pk=job.pk)
    assert killed.status == "running" and 0 < killed.progress < 1
    flush_redis()
    # then a restarted worker, with the default lease and the sweeper running as beat
    # does (every 30 s), finishes the upload exactly once within 2 minutes
    # (finished: the upload succeeded and its outbox item, marked in a commit of its own
    # just after, is closed)
    closed = OutboxItem.objects.filter(topic=services.INGEST, target_id=str(job.pk), status="done")
    done, elapsed = taken_over(
        lambda: (
            closed.exists() and DatasetUpload.objects.filter(pk=job.pk, status="succeeded").first()
        ),
        **SLOW,
    )
    assert done is not None and elapsed < 120, f"not finished {elapsed:.0f} s after restart"
    print(f"taken over and finished {elapsed:.0f} s after the restart")
    assert DatasetVersion.objects.filter(resource=resource).count() == 1
    assert done.version.row_count == 60_000
    item = OutboxItem.objects.get(topic=services.INGEST, target_id=str(job.pk))
    assert (item.status, item.attempts) == ("done", 2)
    assert [p.name for p in (shared_dir / "datasets" / str(resource.pk)).iterdir()] == [
        "v1.parquet"
    ]


def test_after_a_redis_flush_the_sweeper_finishes_uploads_and_reminders_once(
    private_queues, shared_dir, provider, settings
):
    smtp = SMTPServer()
    # given two uploads and two reminders whose nudges Redis lost
    resources = [make_resource(provider, name=f"资源{i}") for i in range(2)]
    for resource in resources:
        expiring(resource)
    uploads = [upload(resource, provider) for resource in resources]
    assert catalog_timers.send_reminders(timezone.now()) == 2
    flush_redis()
    worker = start_worker(**smtp_env(smtp.port))
    try:
        time.sleep(5)  # the worker is up, but nothing tells it about the work
        items = OutboxItem.objects.filter(topic__in=[services.INGEST, "mail.send"])
        assert sorted(items.values_list("status", "attempts")) == [("pending", 0)] * 4
        # when the sweeper runs once the nudges are overdue
        later = timezone.now() + timedelta(seconds=settings.OUTBOX_RENUDGE_SECONDS + 1)
        assert sorted(outbox_sweep(now=later)) == sorted(items.values_list("pk", flat=True))
        # then each piece of work is done exactly once
        wait_for(lambda: items.filter(status="done").count() == 4, timeout=90)
        assert outbox_sweep(now=later + timedelta(days=1)) == []
        time.sleep(2)
    finally:
        stop_worker(worker)
        smtp.stop()
    assert sorted(items.values_list("attempts", flat=True)) == [1, 1, 1, 1]
    for job in uploads:
        job.refresh_from_db()
        assert job.status == "succeeded"
    assert DatasetVersion.objects.filter(resource__in=resources).count() == 2
    assert [m["to"] for m in smtp.messages] == [[provider.email], [provider.email]]


def test_a_failing_mail_server_leaves_the_reminder_pending_then_it_is_sent(
    private_queues, shared_dir, provider
):
    port = free_port()  # nothing listens there yet: the mail server is down
    resource = make_resource(provider)
    expiring(resource)
    worker = start_worker(**smtp_env(port), OUTBOX_RETRY_BASE_SECONDS="1")
    smtp = None
    try:
        assert catalog_timers.send_reminders(timezone.now()) == 1
        item = OutboxItem.objects.get(topic="mail.send")
        wait_for(lambda: OutboxItem.objects.get(pk=item.pk).attempts >= 1, timeout=60)
        sweep_until(lambda: False, 4)  # the sweeper retries it, in vain
        item.refresh_from_db()
        assert item.status == "pending" and item.attempts >= 2
        assert "refused" in item.last_error.lower()
        assert ReminderSent.objects.filter(resource=resource).exists()
        # when the mail server answers
        smtp = SMTPServer(port)
        # then the next retry sends the reminder, once
        assert sweep_until(lambda: OutboxItem.objects.get(pk=item.pk).status == "done", 60)
        time.sleep(2)
    finally:
        stop_worker(worker)
        if smtp:
            smtp.stop()
    assert [m["to"] for m in smtp.messages] == [[provider.email]]
    assert b"expires" in smtp.messages[0]["body"] or resource.name.encode() in b"".join(
        m["body"] for m in smtp.messages
    )


def test_a_job_that_always_fails_ends_failed_after_its_attempts(
    private_queues, shared_dir, settings
):
    settings.OUTBOX_MAIL_MAX_ATTEMPTS = 3
    worker = start_worker(**smtp_env(free_port()), OUTBOX_RETRY_BASE_SECONDS="1")
    try:
        with transaction.atomic():
            item = mail_send_later(subject="s", body="b", to=["nobody@example.org"])
        failed = sweep_until(
            lambda: OutboxItem.objects.filter(pk=item.pk, status="failed").first(), 90
        )
    finally:
        stop_worker(worker)
    assert failed is not None and failed.attempts == 3
    assert AuditEvent.objects.filter(
        action="workflow.outboxitem.fail", target_id=str(item.pk), outcome="error"
    ).exists()
