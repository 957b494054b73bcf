"""What a grant may read, resolved to files: for each source of its frozen scope, the
dataset version (pinned, or the resource's current one at the time of the read), the
Parquet file, its SHA-256 and the fields with their masking and types.

Every delivery surface (record API, export, sandbox) starts here, so the scope is read
in one place, and fails closed: a source without data, a file that is missing, or a
field the version no longer has is refused, never served partly.
"""

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from apps.catalog.choices import FieldType
from apps.catalog.models import DataResource, DatasetVersion
from apps.core.converters import parse_id
from apps.core.exceptions import DomainError, InvalidInput
from apps.core.names import local_name
from apps.core.rowcache import Check, RowCache, stamps_read, with_stamps
from apps.grants.models import Grant


class NoData(DomainError):
    code = "no_data"
    status = 409


class SourceInvalid(DomainError):
    """A `source` that is no resource id at all (a malformed parameter, like a bad
    page_size); a well-formed id that is not one of the grant's is `source_not_in_grant`."""

    code = "source_invalid"
    status = 400


@dataclass(frozen=True)
class GrantField:
    name: str
    masking: str
    personal_info: str
    data_type: str

    @property
    def masked(self) -> bool:
        return self.masking not in ("", "none")

    @property
    def watermarked(self) -> bool:
        """Delivered as unmasked text, so it carries the grant's watermark."""
        return not self.masked and self.data_type == FieldType.STRING


@dataclass(frozen=True)
class GrantSource:
    resource_id: int
    resource_name: str
    version: DatasetVersion
    path: Path
    fields: tuple[GrantField, ...]
    row_filter: tuple[dict, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> GrantField | None:
        return next((f for f in self.fields if f.name == name), None)


# What delivery reads of a resource and a version (every request resolves its source:
# the wide rows are not built for it).
VERSION_FIELDS = ("id", "resource_id", "number", "parquet_path", "sha256", "schema")


def _current_sql(stamps: str) -> str:
    resource, version = RESOURCE, VERSION
    return (
        f'SELECT {stamps} FROM "{resource}" LEFT JOIN "{version}" '  # noqa: S608
        f'ON "{version}".id = "{resource}".current_version_id WHERE "{resource}".id = %s'
    )


def _pinned_sql(stamps: str) -> str:
    resource, version = RESOURCE, VERSION
    return (
        f'SELECT {stamps} FROM "{version}" JOIN "{resource}" '  # noqa: S608
        f'ON "{resource}".id = "{version}".resource_id '
        f'WHERE "{version}".id = %s AND "{version}".resource_id = %s'
    )


# A source's resource and version (the current one, or the pinned one), kept while
# unchanged (apps.core.rowcache).
RESOURCE, VERSION = DataResource._meta.db_table, DatasetVersion._meta.db_table
_current = RowCache((RESOURCE, VERSION), _current_sql)
_pinned = RowCache((VERSION, RESOURCE), _pinned_sql)


def _resource_and_version(resource_id: int, pinned) -> tuple:
    """(resource, version) of a source; version None when there is none to read."""
    if pinned:

        def load_pinned(stamps):
            rows = DatasetVersion.objects.select_related("resource").only(
                *VERSION_FIELDS, "resource__id", "resource__name"
            )
            version = with_stamps(rows, stamps).filter(pk=pinned, resource_id=resource_id).first()
            if version is not None:
                return (version.resource, version), stamps_read(version)
            resource = DataResource.objects.only("id", "name").get(pk=resource_id)
            return (resource, None), None

        return _pinned.get((pinned, resource_id), [pinned, resource_id], load_pinned)

    def load_current(stamps):
        rows = DataResource.objects.select_related("current_version").only(
            "id", "name", *(f"current_version__{name}" for name in VERSION_FIELDS)
        )
        resource = with_stamps(rows, stamps).get(pk=resource_id)
        return (resource, resource.current_version), stamps_read(resource)

    return _current.get(resource_id, [resource_id], load_current)


def source_checks(grant: Grant) -> list[Check]:
    """The stamps `grant_source` checks for each source of the grant, to read ahead."""
    checks = []
    for entry in grant.scope.get("sources", []):
        resource_id, pinned = int(entry["resource"]), entry.get("dataset_version") or None
        if pinned:
            checks.append(_pinned.check((pinned, resource_id), [pinned, resource_id]))
        else:
            checks.append(_current.check(resource_id, [resource_id]))
    return checks


def _resolve(entry: dict) -> GrantSource:
    resource_id, pinned = int(entry["resource"]), entry.get("dataset_version") or None
    resource, version = _resource_and_version(resource_id, pinned)
    if version is None:
        raise NoData(
            _("The data of %(name)s has not been published yet.") % {"name": local_name(resource)}
        )
    path = Path(version.parquet_path)
    if not path.is_file():
        raise NoData(_("The data file of %(name)s is missing.") % {"name": local_name(resource)})
    # The version's schema (catalog.ingest.schema.schema_json): [{"name", "type", ...}].
    types = {column["name"]: column.get("type", "string") for column in version.schema or []}
    fields = []
    for field in entry["fields"]:
        fields.append(
            GrantField(
                name=field["name"],
                masking=field.get("masking") or "none",
                personal_info=field.get("personal_info") or "none",
                data_type=types.get(field["name"], "string"),
            )
        )
    return GrantSource(
        resource_id=resource.pk,
        resource_name=resource.name,
        version=version,
        path=path,
        fields=tuple(fields),
        row_filter=tuple(entry.get("row_filter") or ()),
    )


def grant_sources(grant: Grant) -> list[GrantSource]:
    return [_resolve(entry) for entry in grant.scope.get("sources", [])]


def grant_source(grant: Grant, resource_id=None) -> GrantSource:
    """One source of the grant: the one named by `resource_id` (an id, or its digits), or
    its first. The same refusal for any id outside the scope, whether the resource exists
    or not: the answer tells nothing about resources the grant does not cover."""
    entries = grant.scope.get("sources", [])
    if resource_id in (None, ""):
        if not entries:
            raise NoData(_("The grant has no data source."))
        return _resolve(entries[0])
    wanted = resource_id if isinstance(resource_id, int) else parse_id(str(resource_id))
    if wanted is None:
        message = _("source is a resource id: digits only.")
        raise SourceInvalid(message, details={"source": [message]})
    for entry in entries:
        if int(entry["resource"]) == wanted:
            return _resolve(entry)
    raise InvalidInput(
        _("The grant has no such source."),
        code="source_not_in_grant",
        details={"source": [_("Not a source of this grant.")]},
    )
