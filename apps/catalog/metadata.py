"""Metadata snapshots: what a resource says about itself, as plain JSON, and back."""

from datetime import date

from django.db import transaction

from apps.catalog.models import DataResource, ResourceField, Theme
from apps.catalog.search import resource_reindex

# Editable metadata of a resource (everything but life-cycle state and bookkeeping).
RESOURCE_KEYS = [
    "name",
    "name_en",
    "description",
    "description_en",
    "source_system",
    "tags",
    "update_frequency",
    "spatial_coverage",
    "temporal_start",
    "temporal_end",
    "data_format",
    "classification",
    "general_grade",
    "open_type",
    "in_operation_scope",
    "contact_name",
    "contact_email",
    "contact_phone",
]
FIELD_KEYS = [
    "name",
    "label",
    "label_en",
    "data_type",
    "description",
    "unit",
    "nullable",
    "personal_info",
    "masking",
]


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def snapshot(resource: DataResource) -> dict:
    data = {key: _plain(getattr(resource, key)) for key in RESOURCE_KEYS}
    data["themes"] = sorted(t.code for t in resource.themes.all())
    data["fields"] = [
        {key: getattr(f, key) for key in FIELD_KEYS} for f in resource.fields.order_by("position")
    ]
    return data


def diff(before: dict, after: dict) -> dict:
    """{key: [old, new]} for every key whose value differs."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


@transaction.atomic
def apply(resource: DataResource, data: dict) -> None:
    """Writes a (validated) snapshot onto the resource, replacing its field list, and
    refreshes its search terms."""
    for key in RESOURCE_KEYS:
        if key in data:
            value = data[key]
            if key in ("temporal_start", "temporal_end") and isinstance(value, str):
                value = date.fromisoformat(value)
            setattr(resource, key, value)
    resource.save()
    if "themes" in data:
        resource.themes.set(Theme.objects.filter(code__in=data["themes"]))
    if "fields" in data:
        resource.fields.all().delete()
        ResourceField.objects.bulk_create(
            ResourceField(resource=resource, position=i, **{k: f[k] for k in FIELD_KEYS if k in f})
            for i, f in enumerate(data["fields"])
        )
    # The search terms derive from the metadata alone, so this is the one place that
    # keeps them current.
    resource_reindex(resource=resource)
