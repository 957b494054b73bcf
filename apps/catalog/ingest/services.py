"""Writes of dataset ingestion: accept an upload, run its job, publish a version."""

import logging
import re
import uuid
from datetime import timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.catalog.choices import IngestStatus, RegistrationStatus
from apps.catalog.ingest.detect import XLSX, detect_encoding, detect_format
from apps.catalog.ingest.errors import IngestError
from apps.catalog.ingest.pipeline import IngestResult, ingest_file
from apps.catalog.ingest.schema import FieldSpec
from apps.catalog.ingest.writer import publish
from apps.catalog.models import DataResource, DatasetUpload, DatasetVersion
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.core.permissions import MANAGE
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


def dataset_upload_create(*, resource: DataResource, uploaded_file, user) -> DatasetUpload:
    """Stores an uploaded file and queues its ingestion; refuses what cannot be read."""
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
    path = _store(uploaded_file, resource.pk)
    try:
        # Cheap checks on the first megabyte, so a wrong file is refused at once.
        fmt = detect_format(path, uploaded_file.name or "")
        encoding = "" if fmt == XLSX else detect_encoding(path)
    except IngestError:
        path.unlink(missing_ok=True)
        raise
    with transaction.atomic():
        upload = DatasetUpload.objects.create(
            resource=resource,
            file_path=str(path),
            original_name=(uploaded_file.name or "")[:255],
            size_bytes=uploaded_file.size,
            detected_format=fmt,
            detected_encoding=encoding,
            uploaded_by=user,
        )
        record_change(
            user,
            "catalog.datasetupload.create",
            upload,
            target_org=resource.provider_id,
            data={"resource": resource.pk, "size": upload.size_bytes, "format": fmt},
        )
        transaction.on_commit(lambda: _enqueue(upload.pk))
    return upload


def _enqueue(upload_id: int) -> None:
    from apps.catalog.ingest.tasks import dataset_ingest

    dataset_ingest.delay(upload_id)


def _claimable(now) -> Q:
    stale = now - timedelta(seconds=settings.CATALOG_INGEST_TIME_LIMIT + 60)
    return Q(status=IngestStatus.PENDING) | Q(status=IngestStatus.RUNNING, started_at__lt=stale)


def dataset_ingest_sweep(*, now=None) -> list[int]:
    """Beat: the database is the truth. Re-enqueues uploads whose message was lost (Redis
    keeps nothing on disk) or whose worker died; the claim makes a duplicate harmless."""
    now = now or timezone.now()
    quiet = now - timedelta(seconds=settings.CATALOG_INGEST_SWEEP_AFTER_SECONDS)
    stuck = list(
        DatasetUpload.objects.filter(_claimable(now))
        .filter(Q(started_at__isnull=True, created_at__lt=quiet) | Q(started_at__isnull=False))
        .values_list("pk", flat=True)
    )
    for upload_id in stuck:
        _enqueue(upload_id)
    return stuck


def _claim(upload_id: int) -> bool:
    """Compare-and-swap pending → running; a job dead past its time limit is re-claimed."""
    now = timezone.now()
    claimable = _claimable(now)
    return bool(
        DatasetUpload.objects.filter(claimable, pk=upload_id).update(
            status=IngestStatus.RUNNING, started_at=now, bytes_processed=0, rows_processed=0
        )
    )


def dataset_ingest_run(*, upload_id: int) -> DatasetUpload | None:
    """The ingestion job. Safe to run twice: only the run that claims the upload works.

    The report is stored in English whatever language is active (a worker, a management
    command or a test); pages translate it from each problem's code when they show it.
    """
    with translation.override("en"):
        return _run(upload_id)


def _run(upload_id: int) -> DatasetUpload | None:
    if not _claim(upload_id):
        return None
    upload = DatasetUpload.objects.select_related("resource").get(pk=upload_id)
    fields = [
        FieldSpec(f.name, f.data_type, f.nullable, f.label) for f in upload.resource.fields.all()
    ]
    running = DatasetUpload.objects.filter(pk=upload_id, status=IngestStatus.RUNNING)

    def progress(bytes_done: int, rows_done: int) -> None:
        running.update(bytes_processed=bytes_done, rows_processed=rows_done)

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
        )
        if result.ok:
            _publish(upload, result)
        else:
            _fail(upload_id, result)
    except SoftTimeLimitExceeded:
        _fail(
            upload_id,
            IngestResult(ok=False, error="The job took too long.", error_code="time_limit"),
        )
    except Exception:
        log.exception("ingestion of upload %s failed", upload_id)
        _fail(
            upload_id,
            IngestResult(
                ok=False, error="Internal error while ingesting.", error_code="internal_error"
            ),
        )
        raise
    finally:
        # The Parquet version is the record from now on; the raw upload is not kept.
        Path(upload.file_path).unlink(missing_ok=True)
    return DatasetUpload.objects.get(pk=upload_id)


def _publish(upload: DatasetUpload, result: IngestResult) -> DatasetVersion:
    """Moves the file into place and makes it current, all or nothing."""
    final: Path | None = None
    try:
        with transaction.atomic():
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
