"""Fatal ingestion problems: the file cannot be read at all (as opposed to bad rows)."""

from apps.core.exceptions import InvalidInput


class IngestError(InvalidInput):
    """Raised with a stable code: unknown_encoding, unsupported_format, bad_header, ..."""

    code = "ingest_failed"
