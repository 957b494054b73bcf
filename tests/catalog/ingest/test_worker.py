"""Through a real Celery worker: an API upload becomes the current version."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.models import DataResource, DatasetUpload
from tests.catalog.ingest.conftest import ROWS, csv_bytes, make_resource
from tests.conftest import api_for, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_api_upload_is_ingested_by_the_worker(celery_worker_process, provider):
    resource = make_resource(provider)
    client = api_for(provider)
    response = client.post(
        f"/api/v1/catalog/resources/{resource.pk}/uploads/",
        {"file": SimpleUploadedFile("人口.csv", csv_bytes(ROWS, encoding="gb18030"))},
        format="multipart",
    )
    assert response.status_code == 202
    upload_id = response.json()["id"]

    upload = wait_for(
        lambda: (
            DatasetUpload.objects.filter(pk=upload_id, status__in=["succeeded", "failed"])
            .select_related("version")
            .first()
        ),
        timeout=60,
    )
    try:
        assert upload.status == "succeeded", (upload.error, upload.problems)
        assert DataResource.objects.get(pk=resource.pk).current_version_id == upload.version_id
        assert upload.version.row_count == 3
        body = client.get(f"/api/v1/catalog/uploads/{upload_id}/").json()
        assert body["version"]["number"] == 1
    finally:
        # The worker writes under its own DATA_DIR; leave nothing behind.
        if upload.version:
            path = Path(upload.version.parquet_path)
            path.unlink(missing_ok=True)
            if not any(path.parent.iterdir()):
                path.parent.rmdir()


def test_an_upload_whose_message_was_lost_is_recovered_by_the_sweeper(
    celery_worker_process, provider, settings
):
    # given an upload recorded in the database whose queue message never reached Redis
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    from apps.catalog.ingest import services
    from apps.workflow.models import OutboxItem
    from apps.workflow.outbox_sweep import outbox_sweep

    resource = make_resource(provider)
    upload_file = SimpleUploadedFile("lost.csv", csv_bytes(ROWS))
    with mock.patch("apps.workflow.outbox.send_nudge"):  # the broker "loses" the message
        upload = services.dataset_upload_create(
            resource=resource, uploaded_file=upload_file, user=provider
        )
    item = OutboxItem.objects.get(topic=services.INGEST, target_id=str(upload.pk))
    # when the beat sweeper runs once the nudge is overdue
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_RENUDGE_SECONDS + 1)
    assert outbox_sweep(now=later) == [item.pk]
    # then a real worker ingests it, once
    done = wait_for(
        lambda: (
            DatasetUpload.objects.filter(pk=upload.pk, status="succeeded")
            .select_related("version")
            .first()
        ),
        timeout=60,
    )
    assert done.version.row_count == len(ROWS)
    assert outbox_sweep(now=later + timedelta(days=1)) == []
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("done", 1)
    Path(done.version.parquet_path).unlink(missing_ok=True)
