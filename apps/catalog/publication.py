"""What the public catalog publishes, shared by the DCAT-AP feed and the CKAN API.

Only metadata of registered resources leaves through here; dataset rows never do.
"""

import re

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from apps.catalog.choices import DataFormat
from apps.catalog.models import DataResource, Theme

FALLBACK_BASE_URI = "http://127.0.0.1:8000"

# Distribution format as CKAN shows it (res_format) and as DCAT-AP names it (EU file-type
# authority table). Table and API have no file type in that table, so DCAT omits dct:format.
FORMAT_LABELS = {
    DataFormat.TABLE: "Table",
    DataFormat.CSV: "CSV",
    DataFormat.XLSX: "XLSX",
    DataFormat.JSONL: "JSONL",
    DataFormat.API: "API",
}
EU_FILE_TYPES = {DataFormat.CSV: "CSV", DataFormat.XLSX: "XLSX", DataFormat.JSONL: "JSON"}

# One hyphen per replaced character, so `name_pattern` can map a name back to its code.
_UNSAFE_NAME_CHARS = re.compile(r"[^a-z0-9_-]")


def base_uri(request=None) -> str:
    """The setting wins so URIs stay stable; otherwise the host the client used."""
    if settings.CATALOG_BASE_URI:
        return settings.CATALOG_BASE_URI.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return FALLBACK_BASE_URI


def public_resources() -> QuerySet[DataResource]:
    """Registered resources with what the feeds print, in a fixed number of queries."""
    return (
        DataResource.objects.public()
        .select_related("provider")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("code")))
        .order_by("id")
    )


def landing_url(base: str, resource: DataResource) -> str:
    """The resource's page in the public portal catalog."""
    return f"{base}/catalog/{resource.pk}/"


def package_name(resource: DataResource) -> str:
    """A CKAN-style name (lowercase, [a-z0-9_-]) that stays stable: the registry code."""
    if not resource.registry_code:
        return f"resource-{resource.pk}"
    return _UNSAFE_NAME_CHARS.sub("-", resource.registry_code.lower())


def name_pattern(name: str) -> str:
    """A case-insensitive regex matching the registry codes that `package_name` maps to `name`.

    A hyphen in a name may stand for any character the slug replaced.
    """
    return "^" + "".join("." if ch == "-" else re.escape(ch) for ch in name) + "$"
