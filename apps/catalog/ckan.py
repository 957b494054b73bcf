"""CKAN-compatible read actions over the public catalog (registered resources only).

Each action takes the request's data dict and the site's base URI and returns CKAN's
`result`, or raises one of the errors below, which the view turns into CKAN's envelope.
Providers with registered resources are CKAN organizations; themes are CKAN groups.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from apps.accounts.models import Organization
from apps.catalog.choices import OpenType
from apps.catalog.ckan_query import OPEN_LICENSE, is_id
from apps.catalog.models import DataResource, in_registry
from apps.catalog.publication import (
    FORMAT_LABELS,
    landing_url,
    name_pattern,
    package_name,
    public_resources,
)


class CkanError(Exception):
    """Answered in CKAN's envelope; `code` is the platform's stable error code, added
    beside CKAN's `__type` so clients of both conventions can branch on it."""

    status = 400
    type_name = "Bad Request"
    code = "bad_request"

    def __init__(self, message: str = "", *, code: str = "", **fields: list[str]):
        super().__init__(message)
        self.message = message
        self.fields = fields
        self.code = code or self.code


class NotFound(CkanError):
    status = 404
    type_name = "Not Found Error"
    code = "not_found"

    def __init__(self, message: str = ""):
        super().__init__(f"Not found: {message}" if message else "Not found")


class ValidationError(CkanError):
    status = 409
    type_name = "Validation Error"
    code = "validation_error"


# CKAN names and ids are at most 100 characters; a longer one names nothing.
MAX_NAME = 100
LICENSES = {
    OPEN_LICENSE: "Other (Open)",
    "other-closed": "Other (Not Open)",
}


def _iso(moment: datetime | None) -> str | None:
    """CKAN's timestamp style: naive UTC with microseconds."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() if moment else None


def integer(data: dict, key: str, default: int, maximum: int | None = None) -> int:
    value = data.get(key, default)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # 1e999 is a float infinity
        raise ValidationError(**{key: ["Invalid integer"]}) from None
    if number < 0:
        raise ValidationError(**{key: ["Must be a natural number"]})
    if number > settings.CKAN_MAX_OFFSET:
        # Past any real catalog, and a 20-digit start would overflow PostgreSQL's bigint.
        raise CkanError(
            f"Bad request - {key} must be at most {settings.CKAN_MAX_OFFSET}", code="out_of_range"
        )
    return min(number, maximum) if maximum is not None else number


def boolean(data: dict, key: str) -> bool:
    value = data.get(key, False)
    return value is True or str(value).lower() in ("true", "1", "yes", "on")


def required(data: dict, key: str = "id") -> str:
    value = data.get(key)
    if value in (None, "") or not isinstance(value, str | int):
        raise ValidationError(**{key: ["Missing value"]})
    return str(value)


def organization_dict(org: Organization, package_count: int | None = None) -> dict[str, Any]:
    result = {
        "id": str(org.pk),
        "name": org.code,
        "title": org.name,
        "display_name": org.name,
        "title_translated": {"zh": org.name, "en": org.name_en},
        "description": org.name_en,
        "image_url": "",
        "image_display_url": "",
        "created": _iso(org.created_at),
        "is_organization": True,
        "type": "organization",
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def package_dict(resource: DataResource, base: str) -> dict[str, Any]:
    """A resource as a CKAN package; needs `public_resources()`'s related rows loaded."""
    page = landing_url(base, resource)
    license_id = OPEN_LICENSE if resource.open_type == OpenType.UNCONDITIONAL else "other-closed"
    tags = [str(tag) for tag in resource.tags or []]
    extras = {
        "classification": resource.classification,
        "general_grade": str(resource.general_grade or ""),
        "open_type": resource.open_type,
        "registry_code": resource.registry_code or "",
        "update_frequency": resource.update_frequency,
        "spatial_coverage": resource.spatial_coverage,
        "temporal_start": resource.temporal_start.isoformat() if resource.temporal_start else "",
        "temporal_end": resource.temporal_end.isoformat() if resource.temporal_end else "",
    }
    return {
        "id": str(resource.pk),
        "name": package_name(resource),
        "title": resource.name,
        "title_translated": {"zh": resource.name, "en": resource.name_en},
        "notes": resource.description,
        "notes_translated": {"zh": resource.description, "en": resource.description_en},
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": license_id == OPEN_LICENSE,
        "url": page,
        "version": str(resource.metadata_version),
        "metadata_created": _iso(resource.created_at),
        "metadata_modified": _iso(resource.updated_at),
        "author": resource.provider.name,
        "author_email": None,
        "maintainer": resource.contact_name or None,
        "maintainer_email": resource.contact_email or None,
        "license_id": license_id,
        "license_title": LICENSES[license_id],
        "owner_org": str(resource.provider_id),
        "organization": organization_dict(resource.provider),
        "tags": [
            {"name": tag, "display_name": tag, "state": "active", "vocabulary_id": None}
            for tag in tags
        ],
        "num_tags": len(tags),
        "groups": [
            {
                "id": theme.code.lower(),
                "name": theme.code.lower(),
                "title": theme.name,
                "display_name": theme.name,
                "description": theme.name_en,
                "image_display_url": "",
            }
            for theme in resource.themes.all()
        ],
        "extras": [{"key": key, "value": value} for key, value in sorted(extras.items()) if value],
        "resources": [
            {
                "id": f"{resource.pk}-metadata",
                "package_id": str(resource.pk),
                "name": resource.name,
                "description": resource.name_en,
                "url": page,
                "format": FORMAT_LABELS[resource.data_format],
                "mimetype": "text/html",
                "state": "active",
                "position": 0,
                "created": _iso(resource.created_at),
                "last_modified": _iso(resource.updated_at),
                "url_type": None,
            }
        ],
        "num_resources": 1,
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def find_package(identifier: str) -> DataResource:
    """By id (CKAN looks at ids first) or by name."""
    if len(identifier) > MAX_NAME:  # CKAN's names and ids are short; a regex this long is not
        raise NotFound("Dataset not found")
    resources = public_resources()
    match = resources.filter(pk=int(identifier)).first() if is_id(identifier) else None
    if match is None and identifier.startswith("resource-") and is_id(identifier[9:]):
        match = resources.filter(pk=int(identifier[9:]), registry_code__isnull=True).first()
    if match is None:
        pattern = name_pattern(identifier.lower())
        match = resources.filter(registry_code__iregex=pattern).first()
    if match is None:
        raise NotFound("Dataset not found")
    return match


def package_list(data: dict, base: str) -> list[str]:
    limit = integer(data, "limit", 0) or None
    offset = integer(data, "offset", 0)
    rows = DataResource.objects.public().values_list("pk", "registry_code")
    names = sorted(package_name(DataResource(pk=pk, registry_code=code)) for pk, code in rows)
    return names[offset : offset + limit if limit else None]


def package_show(data: dict, base: str) -> dict[str, Any]:
    return package_dict(find_package(required(data)), base)


def publishing_organizations() -> QuerySet[Organization]:
    """Provider agencies with at least one registered resource, with their package counts."""
    counted = Count("resources", filter=in_registry("resources__"))
    return Organization.objects.annotate(package_count=counted).filter(package_count__gt=0)


_ORG_SORTS = {"name": "code", "title": "name", "package_count": "package_count"}


def organization_list(data: dict, base: str) -> list:
    sort_field, _, direction = str(data.get("sort") or "title asc").strip().partition(" ")
    if sort_field not in _ORG_SORTS or direction.strip() not in ("", "asc", "desc"):
        raise ValidationError(sort=[f"Cannot sort by: {data.get('sort')}"])
    order = ("-" if direction.strip() == "desc" else "") + _ORG_SORTS[sort_field]
    orgs = publishing_organizations().order_by(order, "pk")
    wanted = data.get("organizations")
    if wanted:
        orgs = orgs.filter(code__in=wanted if isinstance(wanted, list) else [wanted])
    offset, limit = integer(data, "offset", 0), integer(data, "limit", 1000, maximum=1000)
    orgs = orgs[offset : offset + limit]
    if boolean(data, "all_fields"):
        return [organization_dict(org, org.package_count) for org in orgs]
    return [org.code for org in orgs]


def organization_show(data: dict, base: str) -> dict[str, Any]:
    identifier = required(data)
    orgs = publishing_organizations()
    lookup = Q(code=identifier) | (Q(pk=int(identifier)) if is_id(identifier) else Q())
    org = orgs.filter(lookup).first()
    if org is None:
        raise NotFound("Organization not found")
    result = organization_dict(org, org.package_count)
    if boolean(data, "include_datasets"):
        resources = public_resources().filter(provider=org)[:1000]
        result["packages"] = [package_dict(resource, base) for resource in resources]
    result["users"] = []
    result["extras"] = []
    return result


def _search(data: dict, base: str) -> dict[str, Any]:
    from apps.catalog.ckan_search import package_search

    return package_search(data, base)


ACTIONS: dict[str, Callable[[dict, str], Any]] = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": _search,
    "organization_list": organization_list,
    "organization_show": organization_show,
}
