"""Streaming readers: each yields batches of text columns, never the whole file.

A reader yields `Batch(columns, rows, bytes_done)`: `columns` maps the fields the
file's columns fill (`Source.targets`, set once the header is read) to Arrow string
arrays, `rows` maps a record's index to its row number in the
file, `bytes_done` is how far into the file the reader is (for progress).
"""

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
from django.utils.translation import gettext_lazy as _

from apps.catalog.ingest.detect import CSV, JSONL, XLSX, python_codec
from apps.catalog.ingest.errors import IngestError
from apps.catalog.ingest.report import Report, RowNumbers, storable
from apps.catalog.ingest.validate import REASONS
from apps.catalog.ingest.zipcheck import (
    DAMAGED,
    NOT_A_WORKBOOK,
    checked_archive,
    damaged,
    not_a_workbook,
)

# A header row is read from at most this many characters and may name at most this many
# columns: a resource has at most 500 fields (apps.catalog.validation.MAX_FIELDS), and a
# file may carry as many columns again that its mapping leaves out.
HEADER_MAX_CHARS = 1024 * 1024
HEADER_MAX_COLUMNS = 1000


@dataclass
class Batch:
    columns: dict[str, pa.Array]
    rows: RowNumbers
    bytes_done: int

    @property
    def num_rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


class Source:
    """Opens a file of a detected format; `header` first, then `batches()`."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        encoding: str,
        report: Report,
        *,
        field_names: list[str],
        batch_rows: int,
        block_bytes: int,
    ):
        self.path, self.fmt, self.codec = path, fmt, python_codec(encoding or "utf-8")
        self.report, self.field_names = report, field_names
        self.batch_rows, self.block_bytes = batch_rows, block_bytes
        self.size = path.stat().st_size
        self.header: list[str] = []
        # Per file column: the field it fills, or None to leave it out. Set by the caller
        # between the header and the first batch; by default the header's own names.
        self.targets: list[str | None] | None = None

    def _names(self) -> list[str | None]:
        return self.header if self.targets is None else self.targets

    def batches(self) -> Iterator:
        """Yields the header (a list of names) first, then `Batch`es."""
        readers = {CSV: self._csv, XLSX: self._xlsx, JSONL: self._jsonl}
        return readers[self.fmt]()

    def _ragged(self, row: int | None, expected: int, actual: int, text) -> None:
        reason = f"Expected {expected} columns, found {actual}."
        self.report.add(row, None, text, "ragged", reason)

    # CSV: Arrow's streaming reader, every column read as text and typed by validate.
    # Arrow reads up to 32 blocks ahead of the consumer, so memory is about 32 x
    # block_bytes: keep blocks small (1 MiB) rather than batches large.
    def _csv(self) -> Iterator[Batch]:
        self.header = _bounded_header(self._csv_header())
        yield self.header
        width = len(self.header)
        gaps: list[int] = []

        def on_invalid(row) -> str:
            # `row.number` is the physical line number, the header being line 1.
            gaps.append(row.number)
            try:
                text = row.text
            except UnicodeDecodeError:  # undecodable bytes: the conversion reports them
                text = None
            self._ragged(row.number, width, row.actual_columns, text)
            return "skip"

        names = [f"c{i}" for i in range(width)]
        first = 2
        stream = pa.OSFile(str(self.path))
        try:
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(
                    skip_rows=1,
                    column_names=names,
                    block_size=self.block_bytes,
                    use_threads=False,
                    encoding="utf8" if self.codec.startswith("utf") else self.codec,
                ),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=True, invalid_row_handler=on_invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            for record_batch in reader:
                rows = RowNumbers(first, [gap for gap in gaps if gap >= first])
                if record_batch.num_rows:
                    first = rows([record_batch.num_rows - 1])[0] + 1
                gaps[:] = [gap for gap in gaps if gap >= first]
                columns = {
                    name: column
                    for name, column in zip(self._names(), record_batch.columns, strict=True)
                    if name
                }
                yield Batch(columns, rows, stream.tell())
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            raise IngestError(
                _("The file could not be read past row %(row)d: %(error)s")
                % {"row": first, "error": storable(str(error)[:300])},
                code="unreadable",
            ) from None
        finally:
            stream.close()

    def _csv_header(self) -> list[str]:
        """The first record, read from at most HEADER_MAX_CHARS characters: a header line
        of gigabytes (or one cell over the csv module's field limit) is refused, never
        read whole into the memory of the web process that takes the upload."""
        consumed = 0

        def lines(handle):
            nonlocal consumed
            while consumed <= HEADER_MAX_CHARS:
                line = handle.readline(HEADER_MAX_CHARS + 1 - consumed)
                if not line:
                    return
                consumed += len(line)
                yield line

        with open(self.path, encoding=self.codec, newline="") as handle:
            try:
                names = next(csv.reader(lines(handle)))
            except (StopIteration, UnicodeDecodeError, csv.Error):
                raise IngestError(
                    _("The file has no readable header row."), code="bad_header"
                ) from None
        if consumed > HEADER_MAX_CHARS:
            raise _header_too_long()  # the record did not end within the limit
        return [name.strip().lstrip("\ufeff") for name in names]

    def _python_batches(self, records) -> Iterator[Batch]:
        """Groups (row number, list of cell texts or dict) into Arrow batches."""
        names = [name for name in self._names() if name]
        buffer: dict[str, list] = {name: [] for name in names}
        rows: list[int] = []
        for row, cells, bytes_done in records:
            rows.append(row)
            for name in names:
                buffer[name].append(cells.get(name))
            if len(rows) >= self.batch_rows:
                yield self._to_batch(buffer, rows, bytes_done)
                buffer, rows = {name: [] for name in names}, []
        if rows:
            yield self._to_batch(buffer, rows, self.size)

    @staticmethod
    def _to_batch(buffer, rows, bytes_done) -> Batch:
        columns = {name: pa.array(values, pa.string()) for name, values in buffer.items()}
        return Batch(columns, RowNumbers(explicit=rows), bytes_done)

    # XLSX: openpyxl's read-only mode streams the sheet XML row by row. The archive's
    # declared sizes are checked first, whoever reads (upload, mapping step, job).
    def _xlsx(self) -> Iterator[Batch]:
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        checked_archive(self.path).close()
        book = None
        try:
            # Formulas are kept as text (not their cached value) so they can be refused.
            book = load_workbook(self.path, read_only=True, data_only=False)
            sheet = book.worksheets[0]
            total = sheet.max_row or 0
            lines = sheet.iter_rows(values_only=True)
            header_row = 0
            for values in lines:
                header_row += 1
                texts = _trim([cell_text(value) for value in values])
                if texts:
                    self.header = _bounded_header([name.strip() for name in texts])
                    break
            else:
                raise IngestError(_("The workbook's first sheet is empty."), code="bad_header")
            yield self.header
            yield from self._python_batches(self._xlsx_records(lines, header_row, total))
        except DAMAGED:  # a part unpacked to other than its declared size, or is corrupt
            raise damaged() from None
        except (InvalidFileException, *NOT_A_WORKBOOK):  # a ZIP without a workbook, broken XML
            raise not_a_workbook() from None
        finally:
            if book is not None:
                book.close()

    def _xlsx_records(self, lines, header_row: int, total: int):
        width = len(self.header)
        for number, values in enumerate(lines, start=header_row + 1):
            texts = _trim([cell_text(value) for value in values])
            if not texts:
                continue  # blank rows are common at the end of sheets
            if len(texts) > width:
                self._ragged(number, width, len(texts), ",".join(texts))
                continue
            done = int(self.size * number / total) if total else 0
            cells = zip(self._names(), texts, strict=False)
            yield number, {name: text for name, text in cells if name}, done

    # JSON Lines: one object per line; keys are field names, missing keys are empty.
    def _jsonl(self) -> Iterator[Batch]:
        self.header = list(self.field_names)
        yield self.header
        yield from self._python_batches(self._jsonl_records())

    def _jsonl_records(self):
        known = set(self.header)
        done = 0
        with open(self.path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                done += len(line)
                try:
                    text = line.decode(self.codec).strip().lstrip("\ufeff")
                except UnicodeDecodeError:
                    raise IngestError(
                        _("Line %(row)d is not valid %(encoding)s text.")
                        % {"row": number, "encoding": self.codec},
                        code="unreadable",
                    ) from None
                if not text:
                    continue
                try:
                    # Python's decoder recurses once per level of nesting.
                    record = json.loads(text)
                except (ValueError, RecursionError):
                    self.report.add(number, None, text, "json", REASONS["json"])
                    continue
                if not isinstance(record, dict):
                    self.report.add(number, None, text, "json_object", REASONS["json_object"])
                    continue
                cells = {key: cell_text(value) for key, value in record.items()}
                if "\\u" in text and _half_surrogate(cells):
                    # `"\ud800"` decodes to half a UTF-16 pair: no character Arrow (or
                    # PostgreSQL) can hold, so not valid JSON text (RFC 8259, 8.2).
                    self.report.add(number, None, text, "json", REASONS["json"])
                    continue
                for key in record.keys() - known:
                    self.report.add(
                        number, key, record[key], "unknown_column", REASONS["unknown_column"]
                    )
                yield number, cells, done


def peek(path: Path, fmt: str, encoding: str, *, rows: int = 5) -> tuple[list[str], list]:
    """The header and the first rows' cell texts, for the column-mapping step. JSON Lines
    have no header (their keys are field names): ([], [])."""
    if fmt == JSONL:
        return [], []
    source = Source(
        path, fmt, encoding, Report(limit=0), field_names=[], batch_rows=rows, block_bytes=1 << 20
    )
    batches = source.batches()
    try:
        header = next(batches)
        if not rows:
            return header, []
        source.targets = [str(i) for i in range(len(header))]
        batch = next(batches, None)
    finally:
        batches.close()
    if batch is None:
        return header, []
    columns = [batch.columns[str(i)].to_pylist()[:rows] for i in range(len(header))]
    return header, [list(row) for row in zip(*columns, strict=True)]


def _header_too_long() -> IngestError:
    return IngestError(
        _(
            "The header row is longer than %(chars)d characters or has more than "
            "%(columns)d columns."
        )
        % {"chars": HEADER_MAX_CHARS, "columns": HEADER_MAX_COLUMNS},
        code="bad_header",
        details={"max_header_chars": HEADER_MAX_CHARS, "max_columns": HEADER_MAX_COLUMNS},
    )


def _bounded_header(names: list[str]) -> list[str]:
    """A header of at most HEADER_MAX_COLUMNS columns: each becomes a row of the mapping
    step's form and of the 422 answer that names the unmatched ones. A NUL (past the
    sample detect_encoding looks at) is no name: the saved mapping could not hold it."""
    if len(names) > HEADER_MAX_COLUMNS:
        raise _header_too_long()
    if any("\x00" in name for name in names):
        raise IngestError(_("The file has no readable header row."), code="bad_header")
    return names


def _half_surrogate(cells: dict[str, str]) -> bool:
    try:
        "".join([*cells, *cells.values()]).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _trim(texts: list[str]) -> list[str]:
    while texts and texts[-1] == "":
        texts.pop()
    return texts


def cell_text(value) -> str:
    """A cell of XLSX or a JSON value as the text the validator expects."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date | dt.time | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
