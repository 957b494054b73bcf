"""Through a real Celery worker: an export asked over the API is written by the worker,
its progress reaches 1.0 and its file downloads."""

import pytest

from apps.delivery.models import Export
from apps.workflow.models import OutboxItem
from tests.conftest import wait_for
from tests.delivery.exporting import draft_product  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_writes_the_export_and_its_progress_reaches_one(
    celery_worker_process, key_client, grant
):
    response = key_client.post(
        f"/api/v1/grants/{grant.pk}/exports/", {"format": "parquet"}, format="json"
    )
    assert response.status_code == 202
    export_id = response.json()["id"]
    export = wait_for(
        lambda: Export.objects.filter(pk=export_id, status__in=["succeeded", "failed"]).first(),
        timeout=60,
    )
    assert (export.status, export.rows, export.progress) == ("succeeded", 101, 1.0)
    # The runner marks its item done after the job's own commit: a moment later.
    items = OutboxItem.objects.filter(topic="delivery.export", target_id=str(export_id))
    item = wait_for(lambda: items.exclude(status="running").first(), timeout=30)
    assert (item.status, item.progress) == ("done", 1.0)
    body = key_client.get(response.json()["url"]).json()
    download = key_client.get(body["download"]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:4] == b"PAR1"
