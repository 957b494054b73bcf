"""Opening the masked preview of a dataset: a read that is recorded (a selector never
writes, so the record is made here)."""

from apps.catalog.ingest.selectors import dataset_preview
from apps.catalog.models import DataResource
from apps.workflow.transitions import record_change


def dataset_preview_open(*, resource: DataResource, user, limit: int | None = None) -> dict:
    """The masked preview (`dataset_preview`), recorded in the audit log."""
    preview = dataset_preview(resource=resource, user=user, limit=limit)
    version = preview["version"]
    if version is not None:
        # Reading rows, even masked, is processing of (possibly personal) data: kept 3 years.
        record_change(
            user,
            "catalog.datasetversion.preview",
            version,
            target_org=resource.provider_id,
            retention="personal_info",
            data={
                "resource": resource.pk,
                "rows": len(preview["rows"]),
                "columns": [column["name"] for column in preview["columns"]],
            },
        )
    return preview
