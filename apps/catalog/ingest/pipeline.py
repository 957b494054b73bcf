"""The ingestion pipeline: file in, validated Parquet (or a report of problems) out."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_noop

from apps.catalog.ingest.detect import detect_encoding, detect_format
from apps.catalog.ingest.errors import IngestError
from apps.catalog.ingest.headers import match_header, report_header
from apps.catalog.ingest.readers import Source
from apps.catalog.ingest.report import Report
from apps.catalog.ingest.schema import FieldSpec, arrow_schema, schema_json
from apps.catalog.ingest.validate import REASONS, convert_batch
from apps.catalog.ingest.writer import ParquetSink

Progress = Callable[[int, int], None]  # (bytes done, rows done)


@dataclass
class IngestResult:
    ok: bool
    fmt: str = ""
    encoding: str = ""
    row_count: int = 0
    temp_path: Path | None = None  # the finished Parquet file, only when ok
    byte_size: int = 0
    sha256: str = ""
    schema: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    normalized: dict[str, dict[str, int]] = field(default_factory=dict)
    problem_count: int = 0
    error: str = ""
    error_code: str = ""


def ingest_file(
    *,
    path: Path,
    fields: list[FieldSpec],
    out_dir: Path,
    name: str = "",
    fmt: str = "",
    encoding: str = "",
    batch_rows: int = 50_000,
    block_bytes: int = 1 << 20,
    max_problems: int = 1000,
    on_progress: Progress | None = None,
    temp_prefix: str = ".incoming-",
    mapping: dict | None = None,
    normalize_forms: bool = True,
) -> IngestResult:
    """Streams `path` through validation into a temporary Parquet file in `out_dir`.

    The file is kept only if every row is valid; otherwise it is deleted and the result
    carries the report. Memory is bounded by one batch, whatever the file size.
    Columns are matched to fields by `mapping` first, then by name or label (see
    headers.py); `normalize_forms=False` accepts only canonical dates and numbers (the
    benchmark's baseline).
    """
    report = Report(limit=max_problems)
    result = IngestResult(ok=False, schema=schema_json(fields))
    sink = ParquetSink(out_dir, arrow_schema(fields), prefix=temp_prefix)
    try:
        result.fmt = fmt or detect_format(path, name)
        result.encoding = encoding or ("" if result.fmt == "xlsx" else detect_encoding(path))
        source = Source(
            path,
            result.fmt,
            result.encoding,
            report,
            field_names=[f.name for f in fields],
            batch_rows=batch_rows,
            block_bytes=block_bytes,
        )
        batches = source.batches()
        match = match_header(next(batches), fields, mapping)
        report_header(match, report, REASONS)
        if not report.ok:
            raise IngestError(
                gettext_noop("The header does not match the resource's fields."), code="bad_header"
            )
        source.targets = match.targets
        for batch in batches:
            typed = convert_batch(
                batch.columns, fields, batch.rows, report, normalize_forms=normalize_forms
            )
            if report.ok:  # after the first problem keep validating, stop writing
                sink.write(typed)
            result.row_count += batch.num_rows
            if on_progress:
                on_progress(batch.bytes_done, result.row_count)
        if report.ok and not result.row_count:
            raise IngestError(gettext_noop("The file has no data rows."), code="empty_file")
        if report.ok:
            result.byte_size, result.sha256 = sink.close()
            result.temp_path, result.ok = sink.path, True
    except IngestError as error:
        result.error, result.error_code = str(error.message), error.code
    finally:
        if not result.ok:
            sink.abort()
    result.problems = sorted(report.problems, key=lambda p: (p["row"] or 0, p["column"] or ""))
    result.problem_count = report.total
    result.normalized = report.normalized_counts()
    if not result.ok and not result.error:
        result.error, result.error_code = gettext_noop("Validation failed."), "invalid_rows"
    return result
