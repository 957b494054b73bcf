"""Writes of dataset ingestion: accept an upload, run its job, publish a version."""

import logging
import re
import uuid
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from apps.catalog.choices import IngestStatus, RegistrationStatus
from apps.catalog.ingest.detect import XLSX, detect_encoding, detect_format
from apps.catalog.ingest.mapping import (
    INGEST,
    column_mapping_save,
    field_specs,
    header_of,
    mapping_checked,
    unmatched_error,
    upload_columns,
)
from apps.catalog.ingest.pipeline import IngestResult, ingest_file
from apps.catalog.ingest.writer import publish
from apps.catalog.models import DataResource, DatasetUpload, DatasetVersion
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.core.permissions import MANAGE
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import (
    LeaseLost,
    PermanentFailure,
    lease_renew,
    outbox_add,
    outbox_items_for,
    outbox_run,
)
from apps.workflow.transitions import record_change

log = logging.getLogger(__name__)


def uploads_dir(resource_id: int) -> Path:
    return Path(settings.DATA_DIR) / "uploads" / str(resource_id)


def datasets_dir(resource_id: int) -> Path:
    return Path(settings.DATA_DIR) / "datasets" / str(resource_id)


def _store(uploaded_file, resource_id: int) -> Path:
    suffix = Path(uploaded_file.name or "").suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    directory = uploads_dir(resource_id)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}{suffix}"
    with open(path, "wb") as handle:
        for chunk in uploaded_file.chunks():
            handle.write(chunk)
    return path


def dataset_upload_create(
    *, resource: DataResource, uploaded_file, user, mapping=None, hold_unmatched: bool = False
) -> DatasetUpload:
    """Stores an uploaded file and queues its ingestion; refuses what cannot be read.

    The header is matched at once (by name or label, the saved column mapping, then
    `mapping`, which is saved for next time). When columns are left over, the upload is
    refused with `ColumnsUnmatched` naming them, or, with `hold_unmatched` (the web's
    mapping step), kept waiting for `dataset_upload_map`.
    """
    if not DataResource.objects.restrict(user, MANAGE).filter(pk=resource.pk).exists():
        raise PermissionDeniedError(_("You may not upload data for this resource."))
    if resource.status == RegistrationStatus.DEREGISTERED:
        raise TransitionNotAllowed(_("The resource is deregistered."))
    if not resource.fields.exists():
        raise InvalidInput(
            _("Describe the resource's fields before uploading data."), code="no_fields"
        )
    limit = settings.CATALOG_MAX_UPLOAD_BYTES
    if uploaded_file.size > limit:
        raise InvalidInput(
            _("The file is larger than the limit of %(limit)d bytes.") % {"limit": limit},
            code="file_too_large",
            details={"max_bytes": limit, "size": uploaded_file.size},
        )
    if not uploaded_file.size:
        raise InvalidInput(_("The file is empty."), code="empty_file")
    mapping = mapping_checked(resource, mapping)
    path = _store(uploaded_file, resource.pk)
    try:
        # Cheap checks on the first megabyte, so a wrong file is refused at once.
        fmt = detect_format(path, uploaded_file.name or "")
        encoding = "" if fmt == XLSX else detect_encoding(path)
        header = header_of(path, fmt, encoding)
        match, used = upload_columns(resource, header, mapping)
        held = bool(header) and not match.ok
        if held and not hold_unmatched:
            raise unmatched_error(resource, header, match)
    except BaseException:
        path.unlink(missing_ok=True)  # nothing is kept of a refused (or failed) upload
        raise
    with transaction.atomic():
        if not held:
            column_mapping_save(
                resource=resource, columns={k: used[k] for k in mapping if k in used}, user=user
            )
        upload = DatasetUpload.objects.create(
            resource=resource,
            file_path=str(path),
            original_name=(uploaded_file.name or "")[:255],
            size_bytes=uploaded_file.size,
            detected_format=fmt,
            detected_encoding=encoding,
            uploaded_by=user,
            status=IngestStatus.MAPPING if held else IngestStatus.PENDING,
            column_mapping={} if held else used,
        )
        record_change(
            user,
            "catalog.datasetupload.create",
            upload,
            target_org=resource.provider_id,
            data={"resource": resource.pk, "size": upload.size_bytes, "format": fmt},
        )
        # The job is a row committed with the upload; the worker is nudged on commit and
        # the sweeper nudges it again if that message is lost. A held upload gets its job
        # when its columns are mapped.
        if not held:
            outbox_add(topic=INGEST, payload={"upload": upload.pk}, obj=upload)
    return upload


def _claim(upload_id: int) -> bool:
    """pending (or running, when the outbox lease of a dead run was taken over) → running."""
    return bool(
        DatasetUpload.objects.filter(
            pk=upload_id, status__in=[IngestStatus.PENDING, IngestStatus.RUNNING]
        ).update(
            status=IngestStatus.RUNNING,
            started_at=timezone.now(),
            bytes_processed=0,
            rows_processed=0,
        )
    )


def _temp_prefix(upload_id: int) -> str:
    return f".incoming-u{upload_id}-"


def _remove_leftovers(upload: DatasetUpload) -> None:
    """A run whose worker died leaves its temporary Parquet file: the next run removes it."""
    directory = datasets_dir(upload.resource_id)
    if directory.is_dir():
        for path in directory.glob(f"{_temp_prefix(upload.pk)}*.parquet"):
            path.unlink(missing_ok=True)


def dataset_ingest_run(*, upload_id: int) -> DatasetUpload | None:
    """Runs the upload's job in this process (demo data, tests) through its outbox row, as
    a worker would. Safe to run twice: only the run that claims the row works."""
    upload = DatasetUpload.objects.get(pk=upload_id)
    item = outbox_items_for(upload, topic=INGEST).first()
    if item is None or not outbox_run(item.pk):
        return None
    return DatasetUpload.objects.get(pk=upload_id)


def dataset_ingest_job(item: OutboxItem) -> None:
    """The outbox handler of `catalog.ingest`. Holds the outbox lease, renewed with each
    batch of progress, so a run whose worker died is taken over within a minute or two.

    The report is stored in English whatever language is active (a worker, a management
    command or a test); pages translate it from each problem's code when they show it.
    """
    with translation.override("en"):
        _run(item.payload["upload"], item)


def _run(upload_id: int, item: OutboxItem) -> None:
    if not _claim(upload_id):
        return  # already finished
    upload = DatasetUpload.objects.select_related("resource").get(pk=upload_id)
    _remove_leftovers(upload)
    fields = field_specs(upload.resource)
    running = DatasetUpload.objects.filter(pk=upload_id, status=IngestStatus.RUNNING)

    def progress(bytes_done: int, rows_done: int) -> None:
        lease_renew(item, progress=bytes_done / max(upload.size_bytes, 1))
        running.update(bytes_processed=bytes_done, rows_processed=rows_done)

    finished = True
    try:
        result = ingest_file(
            path=Path(upload.file_path),
            name=upload.original_name,
            fields=fields,
            out_dir=datasets_dir(upload.resource_id),
            fmt=upload.detected_format,
            encoding=upload.detected_encoding,
            batch_rows=settings.CATALOG_INGEST_BATCH_ROWS,
            block_bytes=settings.CATALOG_INGEST_BLOCK_BYTES,
            max_problems=settings.CATALOG_MAX_REPORTED_PROBLEMS,
            on_progress=progress,
            temp_prefix=_temp_prefix(upload_id),
            mapping=upload.column_mapping,
        )
        if result.ok:
            _publish(upload, result, item)
        else:
            _fail(upload_id, result)
    except LeaseLost:
        finished = False  # another worker runs this upload now: leave its file alone
        raise
    except SoftTimeLimitExceeded as error:
        _fail(
            upload_id,
            IngestResult(
                ok=False, error=gettext_noop("The job took too long."), error_code="time_limit"
            ),
        )
        raise PermanentFailure("time limit") from error
    except Exception as error:
        log.exception("ingestion of upload %s failed", upload_id)
        _fail(
            upload_id,
            IngestResult(
                ok=False,
                error=gettext_noop("Internal error while ingesting."),
                error_code="internal_error",
            ),
        )
        # The raw file goes below, so a retry could not succeed: fail the job visibly.
        raise PermanentFailure(f"{type(error).__name__}: {error}") from error
    finally:
        if finished:
            # The Parquet version is the record from now on; the raw upload is not kept.
            Path(upload.file_path).unlink(missing_ok=True)


def _publish(upload: DatasetUpload, result: IngestResult, item: OutboxItem) -> DatasetVersion:
    """Moves the file into place and makes it current, all or nothing, only while this run
    still holds the lease (the renewal locks the outbox row until the commit)."""
    final: Path | None = None
    try:
        with transaction.atomic():
            lease_renew(item)
            resource = DataResource.objects.select_for_update().get(pk=upload.resource_id)
            last = resource.versions.aggregate(last=Max("number"))["last"] or 0
            final = datasets_dir(resource.pk) / f"v{last + 1}.parquet"
            publish(result.temp_path, final)
            version = DatasetVersion.objects.create(
                resource=resource,
                number=last + 1,
                parquet_path=str(final),
                row_count=result.row_count,
                byte_size=result.byte_size,
                sha256=result.sha256,
                schema=result.schema,
            )
            resource.current_version = version
            resource.save(update_fields=["current_version"])
            claimed = DatasetUpload.objects.filter(pk=upload.pk, status=IngestStatus.RUNNING)
            if not claimed.update(
                status=IngestStatus.SUCCEEDED,
                version=version,
                finished_at=timezone.now(),
                rows_processed=result.row_count,
                bytes_processed=upload.size_bytes,
                problems=[],
                problem_count=0,
                normalized=result.normalized,
                error="",
            ):
                raise TransitionNotAllowed("The upload is no longer running.")
            record_change(
                None,
                "catalog.datasetversion.publish",
                version,
                target_org=resource.provider_id,
                data={
                    "resource": resource.pk,
                    "number": version.number,
                    "rows": version.row_count,
                    "sha256": version.sha256,
                    "normalized": result.normalized,
                },
            )
    except Exception:
        if final is not None:
            final.unlink(missing_ok=True)
        if result.temp_path is not None:
            result.temp_path.unlink(missing_ok=True)
        raise
    return version


def _fail(upload_id: int, result: IngestResult) -> None:
    if result.temp_path is not None:
        result.temp_path.unlink(missing_ok=True)
    failed = DatasetUpload.objects.filter(pk=upload_id, status=IngestStatus.RUNNING).update(
        status=IngestStatus.FAILED,
        finished_at=timezone.now(),
        problems=result.problems,
        problem_count=result.problem_count,
        normalized=result.normalized,
        error=result.error,
    )
    if failed:
        upload = DatasetUpload.objects.select_related("resource").get(pk=upload_id)
        record_change(
            None,
            "catalog.datasetupload.fail",
            upload,
            target_org=upload.resource.provider_id,
            outcome="error",
            reason=result.error_code or "invalid_data",
            data={"problems": result.problem_count},
        )
