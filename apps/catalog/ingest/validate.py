"""Vectorized validation: a batch of text columns in, typed Arrow columns out.

Every check is an Arrow compute kernel over the whole batch; Python only touches the
few rows that fail, and only while the report still has room for them.
"""

import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext_noop

from apps.catalog.choices import FieldType
from apps.catalog.ingest.normalize import normalize
from apps.catalog.ingest.report import Report, RowNumbers
from apps.catalog.ingest.schema import ARROW_TYPES, FieldSpec
from apps.core import csvsafe

TRUE_WORDS = ["true", "t", "yes", "y", "1", "是", "真"]
FALSE_WORDS = ["false", "f", "no", "n", "0", "否", "假"]
_INTEGER = r"^[+-]?\d{1,18}$"
_DECIMAL = r"^[+-]?\d{1,28}(\.\d{1,10})?$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_DATETIME = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
CANONICAL = {
    FieldType.INTEGER: _INTEGER,
    FieldType.DECIMAL: _DECIMAL,
    FieldType.DATE: _DATE,
    FieldType.DATETIME: _DATETIME,
}
# CSV injection: the rule and its patterns live in apps.core.csvsafe (exports use it too).
_FORMULA_START = csvsafe.FORMULA_START
_SIGN_START = csvsafe.SIGN_START
_SIGNED_NUMBER = csvsafe.SIGNED_NUMBER

REASONS = {
    "required": gettext_noop("A value is required."),
    "integer": gettext_noop("Not a whole number."),
    "decimal": gettext_noop(
        "Not a decimal number (at most 28 digits before and 10 after the point)."
    ),
    "boolean": gettext_noop("Not a yes/no value (true/false, yes/no, 1/0, 是/否)."),
    "date": gettext_noop("Not a date (YYYY-MM-DD, 2022/09/20, 2022年9月20日 or 20220920)."),
    "datetime": gettext_noop("Not a date and time in the form YYYY-MM-DD HH:MM:SS."),
    "formula": gettext_noop("Looks like a spreadsheet formula (CSV injection); not accepted."),
    "ragged": gettext_noop("The row does not have as many columns as the header."),
    "duplicate_column": gettext_noop("Another column of the header already fills this field."),
    "unknown_column": gettext_noop("The resource has no field with this name or label."),
    "missing_column": gettext_noop("This field of the resource is missing from the file."),
    "json": gettext_noop("Not valid JSON."),
    "json_object": gettext_noop("Each line must be a JSON object."),
}


def _match(array: pa.Array, pattern: str) -> pa.Array:
    return pc.fill_null(pc.match_substring_regex(array, pattern), False)


def _report(report: Report, mask: pa.Array, rows: RowNumbers, raw, column: str, code: str):
    count = pc.sum(mask).as_py() or 0
    if not count:
        return
    room = max(report.limit - len(report.problems), 0)
    index = pc.indices_nonzero(mask).slice(0, room)
    report.add_many(
        rows(index.to_pylist()), column, raw.take(index).to_pylist(), code, REASONS[code]
    )
    report.total += count - len(index)


def _parse_time(text: pa.Array, shape: pa.Array, fmt: str):
    candidate = pc.if_else(shape, text, pa.scalar(None, pa.string()))
    parsed = pc.strptime(candidate, format=fmt, unit="s", error_is_null=True)
    # strptime rolls 2024-02-30 over to 2024-03-01; printing it back catches that.
    same = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), candidate), False)
    return parsed, same


def convert_column(
    raw: pa.Array, spec: FieldSpec, normalized: dict[str, int] | None = None
) -> tuple[pa.Array, pa.Array, str, pa.Array]:
    """Returns (typed values, mask of non-empty values that failed, its code, non-empty mask).

    With `normalized` (a dict), agency forms of dates and numbers are rewritten first and
    counted into it by form; without, only the canonical forms pass.
    """
    kind = spec.data_type
    raw = pc.fill_null(raw, "")
    text = pc.utf8_trim_whitespace(raw)
    present = pc.greater(pc.utf8_length(text), 0)
    null = pa.scalar(None, ARROW_TYPES[kind])
    rewritten = None
    if kind in CANONICAL:
        if normalized is None:
            shape = _match(text, CANONICAL[kind])
        else:
            text, shape, rewritten = normalize(text, present, kind, CANONICAL[kind])
    if kind == FieldType.STRING:
        ok = pc.invert(
            pc.or_(
                _match(raw, _FORMULA_START),
                pc.and_(_match(raw, _SIGN_START), pc.invert(_match(raw, _SIGNED_NUMBER))),
            )
        )
        typed = pc.if_else(present, raw, pa.scalar(None, pa.string()))
        code = "formula"
    elif kind == FieldType.INTEGER:
        ok = shape
        typed = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.int64())
        code = "integer"
    elif kind == FieldType.DECIMAL:
        ok = shape
        typed = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), ARROW_TYPES[kind])
        code = "decimal"
    elif kind == FieldType.BOOLEAN:
        lower = pc.utf8_lower(text)
        yes = pc.is_in(lower, value_set=pa.array(TRUE_WORDS))
        ok = pc.or_(yes, pc.is_in(lower, value_set=pa.array(FALSE_WORDS)))
        typed = pc.if_else(ok, yes, null)
        code = "boolean"
    elif kind == FieldType.DATE:
        parsed, ok = _parse_time(text, shape, "%Y-%m-%d")
        typed = pc.cast(pc.if_else(ok, parsed, pa.scalar(None, parsed.type)), pa.date32())
        code = "date"
    elif kind == FieldType.DATETIME:
        parsed, ok = _parse_time(text, shape, "%Y-%m-%d %H:%M:%S")
        typed = pc.if_else(ok, parsed, null)
        code = "datetime"
    else:  # pragma: no cover - FieldType is closed
        raise ValueError(kind)
    if rewritten is not None:
        rewritten.count(ok, normalized)
    bad = pc.and_(present, pc.invert(ok))
    return pc.if_else(present, typed, null), bad, code, present


def convert_batch(
    columns: dict[str, pa.Array],
    fields: list[FieldSpec],
    rows: RowNumbers,
    report: Report,
    *,
    normalize_forms: bool = True,
) -> pa.RecordBatch:
    """Types one batch; every failing cell goes to the report with its row and column,
    every rewritten value to its count of normalized values."""
    arrays = []
    for spec in fields:
        raw = columns[spec.name]
        counts = report.normalized.setdefault(spec.name, {}) if normalize_forms else None
        typed, bad, code, present = convert_column(raw, spec, counts)
        if not spec.nullable:
            _report(report, pc.invert(present), rows, raw, spec.name, "required")
        _report(report, bad, rows, raw, spec.name, code)
        arrays.append(pc.if_else(bad, pa.scalar(None, typed.type), typed))
    return pa.RecordBatch.from_arrays(arrays, names=[f.name for f in fields])
