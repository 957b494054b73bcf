"""Fatal ingestion problems: the file cannot be read at all (as opposed to bad rows)."""

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import InvalidInput


class IngestError(InvalidInput):
    """Raised with a stable code: unknown_encoding, unsupported_format, bad_header, ..."""

    code = "ingest_failed"


class ColumnsUnmatched(InvalidInput):
    """The header does not fill the resource's fields; `details` says which columns and
    fields are left over, so that a client can send a mapping with the file."""

    code = "unmatched_columns"
    default_message = _(
        "Some columns of the file match no field of the resource. Send a mapping "
        "(file column → field name, or an empty name to leave the column out)."
    )
