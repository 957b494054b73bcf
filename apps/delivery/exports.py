"""Bulk exports: the whole scoped dataset of a grant as one file (CSV, JSON Lines or
Parquet), written by an outbox job in streamed batches.

`export_request` is the one service that starts an export (API, portal). The job
(`export_job`, topic `delivery.export`) re-checks the grant, counts the rows (progress and
the day's row quota), then streams DuckDB record batches through the same protection as
the record API (apps.delivery.services.protect: masking, watermark) into the writer of the
format, renewing its lease with each batch. The finished file is metered (rows, bytes)
and audited (who, grant, fields, rows, bytes, watermark id; never data) in one
transaction. Downloads: apps.delivery.export_links.
"""

import os
import time
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.services import audit_record, audit_record_denial
from apps.core.exceptions import DomainError, InvalidInput
from apps.delivery import quotas
from apps.delivery.choices import EXPORT_OPEN, EXPORT_SUFFIX, ExportFormat, ExportStatus
from apps.delivery.export_files import Pipeline, open_writer
from apps.delivery.models import Export
from apps.delivery.query import compile_count_sql, compile_export_sql, parse
from apps.delivery.services import (
    actor_of,
    cursor_salt,
    protect,
    require_columns,
    watermark_id,
)
from apps.delivery.sources import grant_source
from apps.delivery.store import open_store
from apps.grants.access import refusal
from apps.grants.models import Grant, GrantKey
from apps.products.choices import DeliveryMode
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import LeaseLost, lease_renew, outbox_add

TOPIC = "delivery.export"
REQUEST = "delivery.export.request"
COMPLETE = "delivery.export.complete"


class ExportRefused(DomainError):
    status = 403


class ExportBusy(DomainError):
    code = "exports_busy"
    status = 429


def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def export_path(export: Export) -> Path:
    return exports_dir() / f"grant-{export.grant_id}" / export.file_name


def allows_export(grant: Grant) -> bool:
    return DeliveryMode.BULK_EXPORT in (grant.scope.get("delivery_modes") or [])


def _check_request(grant: Grant, fmt, fields, source):
    if not allows_export(grant):
        raise ExportRefused(
            _("This grant's delivery modes do not include bulk export."),
            code="export_not_allowed",
        )
    if fmt not in ExportFormat.values:
        raise InvalidInput(
            _("Choose a format: csv, jsonl or parquet."),
            code="format_invalid",
            details={"format": [_("Not a supported format.")]},
        )
    resolved = grant_source(grant, source)
    params = {"fields": ",".join(fields)} if fields else {}
    query = parse(params, resolved, salt=cursor_salt(grant))  # field_unknown and the like
    _require_room(grant)  # before the call is counted; again, locked, as it is created
    return resolved, query.fields


def _require_room(grant: Grant, *, lock: bool = False) -> None:
    """Refuses a request while the grant has its limit of open exports. With `lock`, in
    the caller's transaction, the grant's row stays locked until it commits: requests at
    the same moment count each other's exports, so no more than the limit are open."""
    if lock:
        Grant.objects.select_for_update().filter(pk=grant.pk).values_list("pk").first()
    if (
        Export.objects.filter(grant=grant, status__in=EXPORT_OPEN).count()
        >= settings.DELIVERY_EXPORTS_OPEN_PER_GRANT
    ):
        raise ExportBusy(_("Wait until this grant's running exports finish."))


@contextmanager
def denials_audited(user, key, grant: Grant, action: str, data: dict):
    """Audits a DomainError raised inside (once: one already audited passes as it is)
    as a denial of `action` on the grant, with its code, then lets it go on."""
    try:
        yield
    except DomainError as problem:
        if not getattr(problem, "audited", False):
            audit_record_denial(
                actor=actor_of(user, key),
                action=action,
                target=grant,
                target_org=grant.merchant_id,
                reason=str(problem.code)[:100],
                data=data,
            )
            problem.audited = True
        raise


def export_request(
    *, grant: Grant, user, key=None, format: str, fields=None, source=None
) -> Export:
    """Queues an export of the grant's data for its holder (the caller already passed
    apps.delivery.selectors.grant_for_records). Every refusal is audited with its code."""
    asked = {"format": str(format)[:20], "fields": [str(f)[:100] for f in fields or []][:50]}
    with denials_audited(user, key, grant, REQUEST, {"asked": asked}):
        resolved, names = _check_request(grant, format, fields, source)
        quotas.admit(grant, getattr(key, "pk", None))  # the rate and the day's calls
        try:
            export = _create(grant, user, key, format, names, resolved)
        except ExportBusy:
            quotas.refund_call(grant)
            quotas.release(grant, getattr(key, "pk", None))
            raise
    return export


def _create(grant: Grant, user, key, format: str, names, resolved) -> Export:
    with transaction.atomic():
        _require_room(grant, lock=True)
        export = Export.objects.create(
            grant=grant,
            requested_by=user,
            api_key=key,
            format=format,
            fields=names,
            resource_id=resolved.resource_id,
            version_id=resolved.version.pk,
        )
        outbox_add(topic=TOPIC, payload={"export": export.pk}, obj=export)
        audit_record(
            actor=actor_of(user, key),
            action=REQUEST,
            target=grant,
            target_org=grant.merchant_id,
            data={
                "export": export.pk,
                "format": format,
                "fields": names,
                "source": resolved.resource_id,
            },
        )
    return export


def export_job(item: OutboxItem) -> None:
    """The outbox handler of `delivery.export` (safe to run twice: a finished export is
    left alone; a run whose worker died is taken over and starts the file again)."""
    with translation.override("en"):
        _run(item.payload["export"], item)


def _usable(export: Export) -> None:
    grant = export.grant
    problem = refusal(grant)
    if problem is None and not allows_export(grant):
        problem = ("export_not_allowed", _("Bulk export is no longer allowed."))
    if problem is None and export.api_key_id:
        bound = GrantKey.objects.filter(grant=grant, api_key_id=export.api_key_id).exists()
        if not bound or export.api_key.is_revoked:
            problem = ("key_not_bound", _("The key that asked is no longer bound to the grant."))
    if problem:
        raise ExportRefused(problem[1], code=problem[0])


def _run(export_id: int, item: OutboxItem) -> None:
    if not Export.objects.filter(pk=export_id, status__in=EXPORT_OPEN).update(
        status=ExportStatus.RUNNING, progress=0.0
    ):
        return  # finished already
    export = Export.objects.select_related(
        "grant__product__agreement", "requested_by", "api_key"
    ).get(pk=export_id)
    folder = exports_dir() / f"grant-{export.grant_id}"
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"export-{export.pk}.{item.pk}-{item.attempts}.part"
    for earlier in folder.glob(f"export-{export.pk}.*.part"):
        # A run that took over removes what a killed worker left half-written (a run
        # still alive without its lease stops at its next renewal, LeaseLost).
        earlier.unlink(missing_ok=True)
    try:
        _usable(export)
        _write(export, item, part)
    except LeaseLost:
        part.unlink(missing_ok=True)  # the worker that took over writes its own file
        raise
    except DomainError as problem:
        part.unlink(missing_ok=True)
        _failed(export, problem.code)
    except Exception:
        part.unlink(missing_ok=True)
        if item.attempts >= item.max_attempts:
            _failed(export, "export_error")
        raise


SAMPLE_ROWS = 1000  # rows read to size the batches
MIN_BATCH_ROWS = 256


def batch_rows(connection, sql: str, params: list) -> int:
    """Rows per batch: about `DELIVERY_EXPORT_BATCH_BYTES` of Arrow data each, from the
    width of the first rows, and at most `DELIVERY_EXPORT_BATCH_ROWS`: a few batches are
    in flight at once, so a wide table's memory stays bounded too."""
    most = settings.DELIVERY_EXPORT_BATCH_ROWS
    sampled = f"SELECT * FROM ({sql}) LIMIT {SAMPLE_ROWS}"  # noqa: S608 (our SQL)
    sample = connection.sql(sampled, params=params).to_arrow_table()
    if not sample.num_rows:
        return most
    width = max(1.0, sample.nbytes / sample.num_rows)
    return int(min(most, max(MIN_BATCH_ROWS, settings.DELIVERY_EXPORT_BATCH_BYTES // width)))


def _rows_allowed(grant: Grant, total: int) -> None:
    if grant.rows_per_day is None:
        return
    if total > grant.rows_per_day - quotas.rows_used(grant):
        raise ExportRefused(
            _("The export has more rows than the grant may still read today."),
            code="quota_exhausted",
        )


def _write(export: Export, item: OutboxItem, part: Path) -> None:
    grant = export.grant
    source = grant_source(grant, export.resource_id)
    store = open_store(source.version)
    connection = store.connection()
    running = Export.objects.filter(pk=export.pk, status=ExportStatus.RUNNING)
    done = 0
    try:
        require_columns([*export.fields, *(c["field"] for c in source.row_filter)], store.types)
        total = connection.execute(*compile_count_sql(source, store.types)).fetchall()[0][0]
        _rows_allowed(grant, total)
        sql, params = compile_export_sql(export.fields, source, store.types, store.scales)
        # A relation's reader streams; a DB-API result's would copy every row first.
        reader = connection.sql(sql, params=params).to_arrow_reader(
            batch_rows(connection, sql, params)
        )
        schema = protect(reader.schema.empty_table(), grant, source).schema
        pipeline = Pipeline(
            open_writer(export.format, part, schema),
            lambda table: protect(table, grant, source),
            threads=settings.DELIVERY_EXPORT_THREADS,
        )
        try:
            reported = time.monotonic()  # the lease was just taken, minutes long
            for batch in reader:
                pipeline.put(pa.Table.from_batches([batch]))
                done += batch.num_rows
                now = time.monotonic()
                if now - reported >= settings.DELIVERY_EXPORT_PROGRESS_SECONDS:
                    # Progress and the lease (minutes long) at most every so often: two
                    # writes a batch were a tenth of a million-row export's time.
                    progress = min(done / total, 0.99) if total else 0.99
                    lease_renew(item, progress=progress)
                    running.update(progress=progress, rows=done)
                    reported = now
            pipeline.finish()
        finally:
            pipeline.close()
    finally:
        connection.close()
    final = part.with_name(f"export-{export.pk}.{EXPORT_SUFFIX[export.format]}")
    os.replace(part, final)
    _finish(export, source, final, done, pipeline.sha256())


def _finish(export: Export, source, path: Path, rows: int, digest: str) -> None:
    grant, size = export.grant, path.stat().st_size
    with transaction.atomic():
        finished = Export.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.SUCCEEDED,
            progress=1.0,
            rows=rows,
            bytes=size,
            file_name=path.name,
            sha256=digest,
            version_id=source.version.pk,
            watermark=watermark_id(grant),
            finished_at=timezone.now(),
        )
        if not finished:
            return
        if quotas.meter(grant, request_id=f"export:{export.pk}", rows=rows, size=size):
            transaction.on_commit(lambda: quotas.count_rows(grant, rows))
        audit_record(
            actor=export.api_key or export.requested_by,
            action=COMPLETE,
            target=grant,
            target_org=grant.merchant_id,
            data={
                "export": export.pk,
                "format": export.format,
                "fields": export.fields,
                "source": source.resource_id,
                "version": source.version.pk,
                "rows": rows,
                "bytes": size,
                "watermark": watermark_id(grant),
            },
        )


def _failed(export: Export, code: str) -> None:
    with transaction.atomic():
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error_code=str(code)[:100], finished_at=timezone.now()
        )
        audit_record_denial(
            actor=export.api_key or export.requested_by,
            action=COMPLETE,
            target=export.grant,
            target_org=export.grant.merchant_id,
            reason=str(code)[:100],
            data={"export": export.pk, "format": export.format, "fields": export.fields},
        )
