"""The job: versions are numbered and immutable, failures change nothing, reruns are safe."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.utils import timezone

from apps.catalog.ingest import services
from apps.catalog.models import DatasetVersion
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import claim, outbox_items_for
from tests.catalog.ingest.conftest import ROWS, csv_bytes, ingest, upload_file

pytestmark = pytest.mark.django_db


def parquet_files(data_dir, resource) -> list[str]:
    return sorted(p.name for p in (data_dir / "datasets" / str(resource.pk)).glob("*"))


def test_a_valid_file_becomes_the_current_version_with_its_facts(provider, resource, data_dir):
    upload = ingest(resource, provider, csv_bytes(ROWS))
    resource.refresh_from_db()

    version = upload.version
    assert resource.current_version == version
    assert (version.number, version.row_count) == (1, 3)
    path = Path(version.parquet_path)
    assert path == data_dir / "datasets" / str(resource.pk) / "v1.parquet"
    assert version.byte_size == path.stat().st_size
    assert version.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [(c["name"], c["type"]) for c in version.schema][:2] == [
        ("name", "string"), ("id_number", "string")
    ]  # fmt: skip
    assert str(pq.read_schema(path).field("income").type) == "decimal128(38, 10)"
    assert upload.progress == 1.0
    assert upload.rows_processed == 3
    # the raw upload is not kept once the record exists
    assert not Path(upload.file_path).exists()


def test_a_second_upload_becomes_version_2(provider, resource, data_dir):
    ingest(resource, provider, csv_bytes(ROWS))
    second = ingest(resource, provider, csv_bytes(ROWS[:1]))
    resource.refresh_from_db()

    assert resource.current_version == second.version
    assert second.version.number == 2
    assert parquet_files(data_dir, resource) == ["v1.parquet", "v2.parquet"]


def test_a_failed_ingestion_leaves_the_previous_version_current_and_no_file(
    provider, resource, data_dir, settings
):
    first = ingest(resource, provider, csv_bytes(ROWS))
    settings.CATALOG_INGEST_BLOCK_BYTES = 4096  # many small batches
    # an invalid value far into the file, after whole batches were already written
    rows = [ROWS[0]] * 500 + [[*ROWS[0][:4], "old", *ROWS[0][5:]]]

    failed = ingest(resource, provider, csv_bytes(rows))
    resource.refresh_from_db()

    assert failed.status == "failed"
    assert failed.version is None
    assert resource.current_version == first.version
    assert DatasetVersion.objects.filter(resource=resource).count() == 1
    assert parquet_files(data_dir, resource) == ["v1.parquet"]


def test_running_the_job_twice_does_the_work_once(provider, resource):
    upload = services.dataset_upload_create(
        resource=resource, uploaded_file=upload_file(csv_bytes(ROWS)), user=provider
    )
    assert services.dataset_ingest_run(upload_id=upload.pk).status == "succeeded"
    assert services.dataset_ingest_run(upload_id=upload.pk) is None
    assert DatasetVersion.objects.filter(resource=resource).count() == 1


def test_progress_is_written_to_the_upload_while_the_job_runs(
    provider, resource, settings, monkeypatch
):
    settings.CATALOG_INGEST_BATCH_ROWS = 10
    seen = []
    real = services.ingest_file

    def spy(**kwargs):
        report = kwargs["on_progress"]

        def on_progress(bytes_done, rows_done):
            report(bytes_done, rows_done)
            upload = type(resource).objects.get(pk=resource.pk).uploads.get()
            seen.append((upload.status, upload.rows_processed, upload.progress))

        return real(**{**kwargs, "on_progress": on_progress})

    monkeypatch.setattr(services, "ingest_file", spy)
    ingest(resource, provider, "\n".join(
        '{"name": "张三", "id_number": "110101199003071234"}' for _ in range(35)
    ).encode(), "rows.jsonl")  # fmt: skip

    assert [rows for _status, rows, _p in seen] == [10, 20, 30, 35]
    assert all(status == "running" for status, _rows, _p in seen)
    progress = [p for _s, _r, p in seen]
    assert progress == sorted(progress)
    assert 0 < progress[0] < 1


def test_a_job_whose_worker_died_is_taken_over_once_its_lease_lapsed(provider, resource, data_dir):
    # given a run that died half-way: upload running, lease held, a temporary file left
    upload = services.dataset_upload_create(
        resource=resource, uploaded_file=upload_file(csv_bytes(ROWS)), user=provider
    )
    item = outbox_items_for(upload, topic=services.INGEST).get()
    claim(item.pk)
    type(upload).objects.filter(pk=upload.pk).update(status="running", rows_processed=2)
    leftover = data_dir / "datasets" / str(resource.pk) / f".incoming-u{upload.pk}-dead.parquet"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")
    # then nobody takes it over while the lease holds
    assert services.dataset_ingest_run(upload_id=upload.pk) is None
    # when the lease lapses, the next run takes it over and finishes it once
    OutboxItem.objects.filter(pk=item.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert services.dataset_ingest_run(upload_id=upload.pk).status == "succeeded"
    assert services.dataset_ingest_run(upload_id=upload.pk) is None
    assert parquet_files(data_dir, resource) == ["v1.parquet"]
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("done", 2)


def test_a_publication_that_fails_leaves_no_file_behind(provider, resource, data_dir, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(DatasetVersion.objects, "create", broken)
    upload = ingest(resource, provider, csv_bytes(ROWS))

    resource.refresh_from_db()
    assert resource.current_version is None
    assert parquet_files(data_dir, resource) == []
    assert upload.status == "failed"
    # the job itself is a visible failure (the raw file is gone, retrying cannot help)
    item = outbox_items_for(upload, topic=services.INGEST).get()
    assert item.status == "failed" and "database went away" in item.last_error


def test_a_run_that_lost_its_lease_publishes_nothing_and_keeps_the_raw_file(
    provider, resource, data_dir, monkeypatch
):
    upload = services.dataset_upload_create(
        resource=resource, uploaded_file=upload_file(csv_bytes(ROWS)), user=provider
    )
    real = services.ingest_file

    def taken_over_meanwhile(**kwargs):
        result = real(**kwargs)
        outbox_items_for(upload, topic=services.INGEST).update(leased_by="another-worker")
        return result

    monkeypatch.setattr(services, "ingest_file", taken_over_meanwhile)
    assert services.dataset_ingest_run(upload_id=upload.pk) is None
    assert DatasetVersion.objects.filter(resource=resource).count() == 0
    assert Path(upload.file_path).exists()
    assert parquet_files(data_dir, resource) == []
