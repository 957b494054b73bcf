"""Exports as files: each format holds the grant's whole scope (row filter, fields),
masked and watermarked exactly as the record API serves it; CSV cells that a spreadsheet
would run are neutralized; metering and audit are written; refusals carry codes."""

import csv
import hashlib
import io
import json
import shutil

import pyarrow.parquet as pq
import pytest

from apps.audit.models import AuditEvent
from apps.core.exceptions import DomainError
from apps.delivery.exports import export_path, export_request, exports_dir
from apps.delivery.models import UsageDay
from apps.grants.issuing import grant_suspend
from tests.delivery.conftest import url
from tests.delivery.exporting import draft_product, run_export  # noqa: F401
from tests.delivery.test_records_access import session

pytestmark = pytest.mark.django_db


def served_rows(grant, merchant) -> list[dict]:
    """The record API's rows of the same grant (one page holds all 101)."""
    body = session(merchant).get(url(grant, page_size=1000)).json()
    assert body["next"] is None
    return body["results"]


def exported(grant, merchant, fmt, **kwargs):
    export = export_request(grant=grant, user=merchant, format=fmt, **kwargs)
    export = run_export(export.pk)
    assert export.status == "succeeded", export.error_code
    return export, export_path(export)


@pytest.mark.parametrize("batch", [65536, 7])
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_each_format_holds_the_scoped_rows_masked_and_watermarked_as_served(
    grant, merchant, fmt, batch, settings
):
    """In one batch, or in fifteen protected on two threads and written in their order."""
    settings.DELIVERY_EXPORT_BATCH_ROWS = batch
    export, path = exported(grant, merchant, fmt)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        rows = [{k: v.removeprefix("'") if v.startswith("'=") else v for k, v in r.items()}
                for r in rows]  # fmt: skip
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    else:
        rows = pq.read_table(path).to_pylist()
    assert export.rows == len(rows) == 101  # the grant's row filter
    assert list(rows[0]) == ["credit_code", "legal_rep"]  # the grant's fields, not `name`
    assert rows == served_rows(grant, merchant)
    assert all("某" not in row["legal_rep"] for row in rows)  # masked (partial)
    assert export.bytes == path.stat().st_size and export.watermark == f"wm1:grant:{grant.pk}"
    assert export.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()  # taken as written
    assert export.progress == 1.0


def test_a_batch_that_fails_mid_export_fails_it_and_leaves_no_file(
    grant, merchant, settings, monkeypatch
):
    """A failure on a protecting thread reaches the job: the export fails with its code,
    the batches still running are waited for, and no file, whole or partial, stays."""
    from apps.delivery import exports

    settings.DELIVERY_EXPORT_BATCH_ROWS = 10
    calls, protect = [], exports.protect

    def failing(table, grant, source):
        calls.append(table.num_rows)
        if len(calls) == 5:
            raise DomainError("broken batch", code="data_integrity")
        return protect(table, grant, source)

    monkeypatch.setattr(exports, "protect", failing)
    folder = exports.exports_dir() / f"grant-{grant.pk}"
    shutil.rmtree(folder, ignore_errors=True)  # files of earlier tests' grants
    export = run_export(export_request(grant=grant, user=merchant, format="csv").pk)
    assert (export.status, export.error_code) == ("failed", "data_integrity")
    assert 5 <= len(calls) < 12  # the schema, then batches: the rest never ran
    assert list(folder.iterdir()) == []


def test_a_subset_of_fields_is_exported(grant, merchant):
    export, path = exported(grant, merchant, "parquet", fields=["legal_rep"])
    assert pq.read_table(path).column_names == ["legal_rep"] and export.fields == ["legal_rep"]


def test_csv_cells_a_spreadsheet_would_run_are_neutralized(grant, merchant):
    _export, path = exported(grant, merchant, "csv")
    text = path.read_text(encoding="utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert any(cell.startswith("'=HYPERLINK(1)") for cell in cells)
    assert not any(cell[:1] in "=+-@\t\r" for cell in cells if cell)


def test_an_export_is_metered_and_audited_without_data(grant, merchant):
    export, _path = exported(grant, merchant, "jsonl")
    usage = UsageDay.objects.get(grant=grant)
    assert (usage.calls, usage.rows, usage.bytes) == (1, 101, export.bytes)
    done = AuditEvent.objects.filter(target_id=str(grant.pk)).get(
        action="delivery.export.complete", outcome="allowed"
    )
    data = json.loads(done.data)
    assert data["rows"] == 101 and data["bytes"] == export.bytes
    assert data["fields"] == ["credit_code", "legal_rep"]
    assert data["watermark"] == f"wm1:grant:{grant.pk}"
    assert (done.actor_type, done.actor_id) == ("user", str(merchant.pk))
    assert "某" not in done.data  # never data
    assert (
        AuditEvent.objects.filter(target_id=str(grant.pk), action="delivery.export.request").count()
        == 1
    )


def test_a_grant_suspended_before_the_job_runs_fails_the_export_with_its_code(
    grant, merchant, regulator
):
    export = export_request(grant=grant, user=merchant, format="csv")
    grant_suspend(grant=grant, user=regulator, reason="整改")
    export = run_export(export.pk)
    assert (export.status, export.error_code) == ("failed", "grant_suspended")
    assert not UsageDay.objects.filter(grant=grant).exists()
    denial = AuditEvent.objects.filter(target_id=str(grant.pk)).get(
        action="delivery.export.complete", outcome="denied"
    )
    assert denial.reason == "grant_suspended"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"format": "xlsx"}, "format_invalid"),
        ({"format": "csv", "fields": ["name"]}, "field_unknown"),
        ({"format": "csv", "fields": ["credit_code,name"]}, "field_unknown"),
        ({"format": "csv", "source": 999999}, "source_not_in_grant"),
    ],
)
def test_hostile_requests_are_refused_with_a_code_and_audited(grant, merchant, kwargs, code):
    with pytest.raises(DomainError) as refused:
        export_request(grant=grant, user=merchant, **kwargs)
    assert refused.value.code == code and 400 <= refused.value.status < 500
    denial = AuditEvent.objects.filter(target_id=str(grant.pk)).get(
        action="delivery.export.request", outcome="denied"
    )
    assert denial.reason == code


def test_a_row_quota_smaller_than_the_export_fails_it(grant, merchant):
    grant.rows_per_day = 50
    grant.save(update_fields=["rows_per_day"])
    export = run_export(export_request(grant=grant, user=merchant, format="csv").pk)
    assert (export.status, export.error_code) == ("failed", "quota_exhausted")


def test_progress_grows_with_each_batch_and_ends_at_one(grant, merchant, settings, monkeypatch):
    from apps.delivery import exports

    settings.DELIVERY_EXPORT_BATCH_ROWS = 10  # 101 rows: 11 batches
    settings.DELIVERY_EXPORT_PROGRESS_SECONDS = 0  # report every batch
    seen = []
    renew = exports.lease_renew
    monkeypatch.setattr(
        exports, "lease_renew", lambda item, progress: seen.append(progress) or renew(item)
    )
    export = run_export(export_request(grant=grant, user=merchant, format="jsonl").pk)
    assert len(seen) == 11 and seen == sorted(seen) and seen[0] < 0.2
    assert export.progress == 1.0 and export.rows == 101


def test_progress_is_reported_at_most_every_so_often(grant, merchant, settings, monkeypatch):
    """The lease and the progress bar are written at most every
    DELIVERY_EXPORT_PROGRESS_SECONDS, not once a batch: an export that ends sooner (its
    lease was just taken) writes them only when it ends."""
    from apps.delivery import exports

    settings.DELIVERY_EXPORT_BATCH_ROWS = 10
    settings.DELIVERY_EXPORT_PROGRESS_SECONDS = 3600
    seen = []
    renew = exports.lease_renew
    monkeypatch.setattr(
        exports, "lease_renew", lambda item, progress: seen.append(progress) or renew(item)
    )
    export = run_export(export_request(grant=grant, user=merchant, format="csv").pk)
    assert seen == []
    assert (export.status, export.progress, export.rows) == ("succeeded", 1.0, 101)


def test_files_past_their_keeping_time_are_pruned_and_refused(grant, merchant, settings):
    from datetime import timedelta

    from django.utils import timezone

    from apps.delivery.export_links import exports_prune

    exports_prune()  # half-written files that earlier tests' exports left
    export, path = exported(grant, merchant, "csv")
    later = timezone.now() + timedelta(hours=settings.DELIVERY_EXPORT_KEEP_HOURS + 1)
    assert exports_prune(now=timezone.now()) == 0 and path.is_file()
    assert exports_prune(now=later) == 1 and not path.exists()
    export.refresh_from_db()
    assert export.file_name == "" and export.rows == 101  # the history stays


def test_the_files_of_a_grant_that_ended_are_pruned_at_once(grant, merchant, regulator):
    from apps.delivery.export_links import exports_prune
    from apps.grants.issuing import grant_revoke

    exports_prune()  # half-written files that earlier tests' exports left
    export, path = exported(grant, merchant, "csv")
    assert exports_prune() == 0 and path.is_file()
    grant_revoke(grant=grant, user=regulator, reason="Terms breached.")
    assert exports_prune() == 1 and not path.exists()
    export.refresh_from_db()
    assert export.file_name == "" and export.rows == 101


def test_half_written_files_of_exports_no_longer_running_are_pruned(grant, merchant):
    """A worker killed while writing leaves its `.part` file: the prune removes it once the
    export has ended, never while the export may still be running or be taken over."""
    from apps.delivery.export_links import exports_prune
    from apps.delivery.models import Export

    exports_prune()  # half-written files that earlier tests' exports left
    done, path = exported(grant, merchant, "csv")
    waiting = export_request(grant=grant, user=merchant, format="csv")
    left = [path.with_name(f"export-{e.pk}.99-1.part") for e in (done, waiting)]
    for part in left:
        part.write_bytes(b"half")
    assert exports_prune() == 1
    assert not left[0].exists() and left[1].exists() and path.is_file()
    Export.objects.filter(pk=waiting.pk).update(status="failed")
    assert exports_prune() == 1 and not left[1].exists()


def test_a_run_that_takes_over_removes_the_file_its_killed_worker_left(grant, merchant):
    export = export_request(grant=grant, user=merchant, format="csv")
    folder = exports_dir() / f"grant-{grant.pk}"
    folder.mkdir(parents=True, exist_ok=True)
    killed = folder / f"export-{export.pk}.1-1.part"  # an earlier attempt's, half-written
    killed.write_bytes(b"half")
    export = run_export(export.pk)
    assert export.status == "succeeded" and not killed.exists()
    assert sorted(p.name for p in folder.glob(f"export-{export.pk}.*")) == [
        f"export-{export.pk}.csv"
    ]


def test_a_batch_holds_about_the_configured_bytes_and_at_most_the_configured_rows(
    grant, merchant, settings, monkeypatch
):
    """Wide rows make smaller batches: the few batches in flight stay bounded in bytes."""
    from apps.delivery import exports
    from apps.delivery.query import compile_export_sql
    from apps.delivery.sources import grant_source
    from apps.delivery.store import open_store

    source = grant_source(grant)
    store = open_store(source.version)
    sql, params = compile_export_sql(source.field_names, source, store.types)
    connection = store.connection()
    try:
        width = connection.sql(sql, params=params).to_arrow_table().nbytes / 101
        settings.DELIVERY_EXPORT_BATCH_BYTES = int(300 * width)
        assert 290 <= exports.batch_rows(connection, sql, params) <= 310
        settings.DELIVERY_EXPORT_BATCH_ROWS = 200
        assert exports.batch_rows(connection, sql, params) == 200  # the rows' cap
        settings.DELIVERY_EXPORT_BATCH_ROWS, settings.DELIVERY_EXPORT_BATCH_BYTES = 65536, 1
        assert exports.batch_rows(connection, sql, params) == exports.MIN_BATCH_ROWS == 256
    finally:
        connection.close()
    # end to end: 101 rows in batches of the floor's 10, written in order
    monkeypatch.setattr(exports, "MIN_BATCH_ROWS", 10)
    seen = []
    renew = exports.lease_renew
    monkeypatch.setattr(
        exports, "lease_renew", lambda item, progress: seen.append(progress) or renew(item)
    )
    settings.DELIVERY_EXPORT_PROGRESS_SECONDS = 0
    _export, path = exported(grant, merchant, "jsonl")
    assert len(seen) == 11
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert rows == served_rows(grant, merchant)
