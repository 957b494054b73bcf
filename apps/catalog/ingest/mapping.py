"""Column mappings: how a provider's files name a resource's fields.

A mapping is saved per resource when a provider maps the columns of an upload (on the
web) or sends one with an upload (API), and applied to that resource's next uploads.
"""

from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from apps.catalog.choices import IngestStatus
from apps.catalog.ingest.errors import ColumnsUnmatched, IngestError
from apps.catalog.ingest.headers import IGNORE, HeaderMatch, clean_mapping, match_header
from apps.catalog.ingest.readers import peek
from apps.catalog.ingest.schema import FieldSpec
from apps.catalog.models import ColumnMapping, DataResource, DatasetUpload
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.core.permissions import MANAGE
from apps.workflow.outbox import outbox_add
from apps.workflow.transitions import record_change

INGEST = "catalog.ingest"  # the outbox topic of an upload's ingestion job (see services)


def field_specs(resource: DataResource) -> list[FieldSpec]:
    return [
        FieldSpec(f.name, f.data_type, f.nullable, f.label, f.label_en)
        for f in resource.fields.all()
    ]


def saved_mapping(resource: DataResource) -> dict[str, str]:
    saved = ColumnMapping.objects.filter(resource=resource).first()
    return dict(saved.columns) if saved else {}


def mapping_checked(resource: DataResource, mapping) -> dict[str, str]:
    """A mapping from a client: {column: field name, or "" / null to leave it out}."""
    if mapping in (None, ""):
        return {}
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in mapping.items()
    ):
        raise InvalidInput(
            _("The mapping must be an object of file column → field name."),
            code="invalid_mapping",
        )
    cleaned = clean_mapping(mapping)
    names = set(resource.fields.values_list("name", flat=True))
    unknown = sorted({v for v in cleaned.values() if v != IGNORE and v not in names})
    if unknown:
        raise InvalidInput(
            _("The mapping names fields the resource does not have: %(names)s")
            % {"names": ", ".join(unknown)},
            code="invalid_mapping",
            details={"unknown_fields": unknown},
        )
    return cleaned


def header_of(path: Path, fmt: str, encoding: str) -> list[str]:
    """The file's header; empty when it has none to match (JSON Lines) or cannot be read,
    in which case the ingestion job reports the problem."""
    try:
        return peek(path, fmt, encoding, rows=0)[0]
    except IngestError:
        return []


def unmatched_error(resource: DataResource, header: list[str], match: HeaderMatch):
    fields = [
        {"name": f.name, "label": f.label, "label_en": f.label_en} for f in resource.fields.all()
    ]
    return ColumnsUnmatched(details={**match.details(header), "fields": fields})


def _used(header: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The entries of `mapping` that this header uses."""
    keys = set(clean_mapping(dict.fromkeys(header, "")))
    return {k: v for k, v in mapping.items() if k in keys}


@transaction.atomic
def column_mapping_save(*, resource: DataResource, columns: dict[str, str], user) -> None:
    """Merges `columns` into the resource's saved mapping; audited when it changes."""
    if not columns:
        return
    # The resource row serializes the first save of two concurrent uploads.
    DataResource.objects.select_for_update().filter(pk=resource.pk).first()
    saved = ColumnMapping.objects.filter(resource=resource).first()
    before = dict(saved.columns) if saved else {}
    after = {**before, **columns}
    if after == before:
        return
    if saved is None:
        saved = ColumnMapping.objects.create(resource=resource, columns=after, updated_by=user)
    else:
        saved.columns, saved.updated_by = after, user
        saved.save(update_fields=["columns", "updated_by", "updated_at"])
    record_change(
        user,
        "catalog.columnmapping.change",
        saved,
        target_org=resource.provider_id,
        before={"columns": before},
        after={"columns": after},
    )


def upload_columns(resource: DataResource, header: list[str], mapping: dict[str, str]):
    """(match, the mapping entries to keep with the upload) for a header, the saved
    mapping and the one given now (which wins)."""
    effective = {**saved_mapping(resource), **mapping}
    return match_header(header, field_specs(resource), effective), _used(header, effective)


@transaction.atomic
def dataset_upload_map(*, upload: DatasetUpload, mapping: dict, user) -> DatasetUpload:
    """Maps the columns of an upload held for it, saves the mapping for the resource's
    next uploads and queues the ingestion."""
    upload = DatasetUpload.objects.select_for_update().select_related("resource").get(pk=upload.pk)
    resource = upload.resource
    if not DataResource.objects.restrict(user, MANAGE).filter(pk=resource.pk).exists():
        raise PermissionDeniedError(_("You may not upload data for this resource."))
    if upload.status != IngestStatus.MAPPING:
        raise TransitionNotAllowed(_("This upload is not waiting for a column mapping."))
    mapping = mapping_checked(resource, mapping)
    header = header_of(Path(upload.file_path), upload.detected_format, upload.detected_encoding)
    match, used = upload_columns(resource, header, mapping)
    if header and not match.ok:
        raise unmatched_error(resource, header, match)
    column_mapping_save(resource=resource, columns=_used(header, mapping), user=user)
    upload.column_mapping, upload.status = used, IngestStatus.PENDING
    upload.save(update_fields=["column_mapping", "status"])
    record_change(
        user,
        "catalog.datasetupload.map",
        upload,
        target_org=resource.provider_id,
        data={"resource": resource.pk, "columns": used},
    )
    outbox_add(topic=INGEST, payload={"upload": upload.pk}, obj=upload)
    return upload


@transaction.atomic
def dataset_upload_discard(*, upload: DatasetUpload, user, reason: str = "") -> DatasetUpload:
    """Gives up an upload held for a mapping (by its provider, or by the timer when
    nobody maps it in time): the file goes, the row says why."""
    upload = DatasetUpload.objects.select_for_update().select_related("resource").get(pk=upload.pk)
    if user is not None and not (
        DataResource.objects.restrict(user, MANAGE).filter(pk=upload.resource_id).exists()
    ):
        raise PermissionDeniedError(_("You may not upload data for this resource."))
    if upload.status != IngestStatus.MAPPING:
        raise TransitionNotAllowed(_("This upload is not waiting for a column mapping."))
    upload.status, upload.finished_at = IngestStatus.FAILED, timezone.now()
    upload.error = reason or gettext_noop(
        "The upload was cancelled before its columns were mapped."
    )
    upload.save(update_fields=["status", "error", "finished_at"])
    record_change(
        user,
        "catalog.datasetupload.discard",
        upload,
        target_org=upload.resource.provider_id,
        data={"resource": upload.resource_id},
    )
    path = Path(upload.file_path)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return upload
