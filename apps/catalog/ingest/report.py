"""The validation report: the first N problems in full plus a total count."""

import re
from dataclasses import dataclass, field

MAX_VALUE_CHARS = 200
# What PostgreSQL's jsonb cannot hold (NUL, half a UTF-16 surrogate pair) but a file's
# cell or a JSON Lines key may carry: shown as U+FFFD in the stored report.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class RowNumbers:
    """Maps a record's index in a batch to its row number in the file.

    Rows skipped by the reader (ragged rows, blank lines) leave gaps in the numbering;
    only the few failing rows are ever mapped, so this stays a plain loop.
    """

    def __init__(self, first: int = 0, gaps: list[int] | None = None, explicit=None):
        self.first, self.gaps, self.explicit = first, sorted(gaps or []), explicit

    def __call__(self, indexes: list[int]) -> list[int]:
        if self.explicit is not None:
            return [self.explicit[i] for i in indexes]
        rows = []
        for index in indexes:
            row = self.first + index
            for gap in self.gaps:
                if gap > row:
                    break
                row += 1
            rows.append(row)
        return rows


@dataclass
class Report:
    limit: int = 1000
    problems: list[dict] = field(default_factory=list)
    total: int = 0
    # {field: {form: count}} of values rewritten into the canonical form (see normalize)
    normalized: dict[str, dict[str, int]] = field(default_factory=dict)

    def normalized_counts(self) -> dict[str, dict[str, int]]:
        """The fields with at least one normalized value."""
        return {name: dict(forms) for name, forms in self.normalized.items() if forms}

    @property
    def ok(self) -> bool:
        return self.total == 0

    def add(self, row: int | None, column: str | None, value, code: str, reason: str) -> None:
        self.total += 1
        if len(self.problems) < self.limit:
            self.problems.append(_problem(row, column, value, code, reason))

    def add_many(self, rows: list, column: str, values: list, code: str, reason: str) -> None:
        """Adds problems already cut to the room left (see validate._report)."""
        self.total += len(rows)
        for row, value in zip(rows, values, strict=True):
            self.problems.append(_problem(row, column, value, code, reason))


def _problem(row, column, value, code: str, reason: str) -> dict:
    if value is not None and not isinstance(value, str):
        value = value.as_py() if hasattr(value, "as_py") else str(value)
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        value = value[:MAX_VALUE_CHARS] + "…"
    return {
        "row": row,
        "column": storable(column),
        "value": storable(value),
        "code": code,
        "reason": reason,
    }


def storable(text):
    """`text` (or None, or a number) fit for the report's jsonb column."""
    return _UNSTORABLE.sub("\ufffd", text) if isinstance(text, str) else text
