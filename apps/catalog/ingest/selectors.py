"""Reads of dataset ingestion, scoped to the user: uploads and the masked preview."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from apps.catalog.choices import MaskingRule
from apps.catalog.ingest.headers import match_header
from apps.catalog.ingest.mapping import field_specs, saved_mapping
from apps.catalog.ingest.readers import peek
from apps.catalog.masking import effective_rule, mask_value
from apps.catalog.models import PREVIEW, DataResource, DatasetUpload
from apps.core.exceptions import PermissionDeniedError
from apps.workflow.policy import get_object_for


def resource_for_preview(*, user, pk) -> DataResource:
    """Uploads and rows are the provider's: others get 404 even where metadata is public."""
    try:
        return get_object_for(user, DataResource, pk, PREVIEW)
    except PermissionDeniedError:
        raise Http404 from None


def upload_list(*, resource: DataResource, user) -> QuerySet[DatasetUpload]:
    return (
        DatasetUpload.objects.restrict(user)
        .filter(resource=resource)
        .select_related("version", "uploaded_by")
    )


def upload_search(*, user, status: str = "", q: str = "") -> QuerySet[DatasetUpload]:
    """Every upload `user` may see (a regulator: all of them), by status or a search of
    the file, resource or provider name."""
    rows = DatasetUpload.objects.restrict(user).select_related(
        "resource", "resource__provider", "uploaded_by"
    )
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(
            Q(original_name__icontains=q)
            | Q(resource__name__icontains=q)
            | Q(resource__provider__name__icontains=q)
        )
    return rows.order_by("-id")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def dataset_preview(*, resource: DataResource, user, limit: int | None = None) -> dict:
    """The first rows of the current version, masked by each field's default rule.

    Columns whose rule is `redact` are left out, and so are columns whose field no
    longer exists in the catalog (their rule is unknown, so they are treated as redacted).
    """
    if not DataResource.objects.restrict(user, PREVIEW).filter(pk=resource.pk).exists():
        raise PermissionDeniedError()
    limit = min(limit or settings.CATALOG_PREVIEW_ROWS, 100)
    version = resource.current_version
    if version is None:
        return {"version": None, "columns": [], "rows": []}
    fields = {f.name: f for f in resource.fields.all()}
    rules = {name: effective_rule(f.masking, f.personal_info) for name, f in fields.items()}
    columns = [
        column
        for column in version.schema
        if column["name"] in rules and rules[column["name"]] != MaskingRule.REDACT
    ]
    names = [column["name"] for column in columns]
    parquet = pq.ParquetFile(Path(version.parquet_path))
    batch = next(parquet.iter_batches(batch_size=limit, columns=names), None)
    records = batch.to_pylist() if batch is not None else []
    rows = [
        [mask_value(rules[name], _text(record[name])) for name in names]
        for record in records[:limit]
    ]
    return {
        "version": version,
        "columns": [
            {
                "name": name,
                "label": fields[name].label,
                "label_en": fields[name].label_en,
                "masking": rules[name],
            }
            for name in names
        ],
        "rows": rows,
    }


def upload_mapping_proposal(*, upload: DatasetUpload, rows: int = 5) -> dict:
    """For the mapping step of an upload held for it: the file's header and first rows,
    and per column the field it fills by name, label or the saved mapping (or None)."""
    header, sample = peek(
        Path(upload.file_path), upload.detected_format, upload.detected_encoding, rows=rows
    )
    match = match_header(header, field_specs(upload.resource), saved_mapping(upload.resource))
    return {
        "columns": [
            {"name": name, "target": target, "samples": [row[i] for row in sample]}
            for i, (name, target) in enumerate(zip(header, match.targets, strict=True))
        ],
        "rows": sample,
        "missing": match.missing,
    }
