"""With real worker processes on Redis and PostgreSQL: a worker SIGKILLed in the middle of
writing an export, then a flushed Redis. The export's job is in the database with its
lease; another worker takes it over and the export ends exactly once: one file, every
row, metered and audited once, nothing half-written left behind."""

import csv
import hashlib
import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from apps.audit.models import AuditEvent
from apps.catalog.models import DatasetVersion
from apps.delivery.exports import COMPLETE, TOPIC, export_path, exports_dir
from apps.delivery.models import Export, UsageDay
from apps.grants.models import Grant
from apps.workflow.models import OutboxItem
from tests.conftest import wait_for
from tests.delivery.exporting import draft_product  # noqa: F401
from tests.workflow.test_worker_recovery import shared_dir  # noqa: F401
from tests.workflow.worker import (  # noqa: F401
    flush_redis,
    kill_worker,
    private_queues,
    start_worker,
    taken_over,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 200_000
# Small batches reported often: the export is still being written when the worker dies.
SLOW = {
    "DELIVERY_EXPORT_BATCH_ROWS": "64",
    "DELIVERY_EXPORT_PROGRESS_SECONDS": "0.05",
    "DELIVERY_EXPORT_THREADS": "1",
}


def publish_many(resource, path, rows: int) -> None:
    """A version of the grant's resource whose every row passes the product's row filter
    (reg_capital between 0 and 1000)."""
    index = pa.array(range(rows), pa.int64())
    text = pc.cast(index, pa.string())
    table = pa.table(
        {
            "credit_code": pc.binary_join_element_wise("91450100MA", text, ""),
            "legal_rep": pc.binary_join_element_wise("张三", text, ""),
            "reg_capital": pc.cast(
                pc.cast(pc.remainder(index, 100), pa.int32()), pa.decimal128(18, 2)
            ),
            "name": pc.binary_join_element_wise("企业", text, ""),
        }
    )
    pq.write_table(table, path)
    version = DatasetVersion.objects.create(
        resource=resource,
        number=resource.versions.count() + 1,
        parquet_path=str(path),
        row_count=rows,
        byte_size=path.stat().st_size,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        schema=[{"name": name, "type": "string"} for name in ("credit_code", "legal_rep", "name")]
        + [{"name": "reg_capital", "type": "decimal"}],
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])


def test_a_worker_killed_mid_export_is_taken_over_after_a_redis_flush(
    shared_dir,  # noqa: F811
    private_queues,  # noqa: F811
    resources,
    key_client,
    grant,
):
    # given an export of a large scope being written by a worker
    publish_many(resources[1], shared_dir / "many.parquet", ROWS)
    Grant.objects.filter(pk=grant.pk).update(rows_per_day=None)  # no day's quota to meet
    first = start_worker(**SLOW)
    try:
        response = key_client.post(
            f"/api/v1/grants/{grant.pk}/exports/", {"format": "csv"}, format="json"
        )
        assert response.status_code == 202, response.content
        export_id = response.json()["id"]
        wait_for(
            lambda: Export.objects.filter(pk=export_id, rows__gt=0).exists(),
            timeout=90,
            interval=0.02,
        )
        # when the worker is SIGKILLed in the middle and Redis loses every message
        kill_worker(first)
    finally:
        kill_worker(first)
    killed = Export.objects.get(pk=export_id)
    assert killed.status == "running" and 0 < killed.progress < 1
    folder = exports_dir() / f"grant-{grant.pk}"
    assert [p.suffix for p in folder.iterdir()] == [".part"]  # half-written
    flush_redis()
    # then a restarted worker, with the default lease and the sweeper running as beat
    # does, finishes the export exactly once within 2 minutes
    # (finished: the export succeeded and its outbox item, marked in a commit of its own
    # just after, is closed)
    closed = OutboxItem.objects.filter(topic=TOPIC, target_id=str(export_id), status="done")
    done, elapsed = taken_over(
        lambda: closed.exists() and Export.objects.filter(pk=export_id, status="succeeded").first(),
        **SLOW,
    )
    assert done is not None and elapsed < 120, f"not finished {elapsed:.0f} s after restart"
    print(f"taken over and finished {elapsed:.0f} s after the restart")
    item = OutboxItem.objects.get(topic=TOPIC, target_id=str(export_id))
    assert (item.status, item.attempts) == ("done", 2)
    assert [p.name for p in folder.iterdir()] == [export_path(done).name]
    rows = list(csv.DictReader(io.StringIO(export_path(done).read_text(encoding="utf-8"))))
    assert done.rows == len(rows) == ROWS
    assert len({row["legal_rep"] for row in rows}) > 1 and "张三" not in rows[0]["legal_rep"]
    usage = UsageDay.objects.get(grant=grant)
    assert (usage.rows, usage.bytes) == (ROWS, done.bytes)  # metered once
    completed = AuditEvent.objects.filter(action=COMPLETE, target_id=str(grant.pk))
    assert completed.count() == 1 and completed.get().outcome == "allowed"
