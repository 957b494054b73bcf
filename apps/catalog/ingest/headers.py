"""Matching a file's header to the resource's fields.

Agencies export their tables with the fields' labels (`企业编号,法定代表人,...`), not
the internal names; a column matches a field by name, by Chinese label or by English
label, compared without case, surrounding spaces or full-width forms. A column mapping
(saved from an earlier upload, or given with this one) comes first.
"""

import unicodedata
from dataclasses import dataclass, field

from apps.catalog.ingest.report import Report
from apps.catalog.ingest.schema import FieldSpec

IGNORE = ""  # the mapping target of a column the provider chose to leave out


def column_key(text: str) -> str:
    """How a column name is compared: NFKC (full-width → half-width), trimmed, case-folded."""
    return unicodedata.normalize("NFKC", str(text)).strip().lstrip("\ufeff").strip().casefold()


@dataclass
class HeaderMatch:
    targets: list[str | None]  # per file column: the field it fills, or None
    unmatched: list[str] = field(default_factory=list)  # columns that name no field
    duplicates: list[str] = field(default_factory=list)  # a second column for one field
    missing: list[str] = field(default_factory=list)  # fields no column fills

    @property
    def ok(self) -> bool:
        return not (self.unmatched or self.duplicates or self.missing)

    def details(self, header: list[str]) -> dict:
        """What an API client needs to write a mapping."""
        return {
            "unmatched_columns": self.unmatched,
            "duplicate_columns": self.duplicates,
            "missing_fields": self.missing,
            "columns": header,
            "matched": {
                column: target
                for column, target in zip(header, self.targets, strict=True)
                if target
            },
        }


def _aliases(fields: list[FieldSpec]) -> dict[str, str]:
    """column key → field name; a name beats a label, a Chinese label an English one."""
    known: dict[str, str] = {}
    for attribute in ("label_en", "label", "name"):
        for spec in fields:
            text = getattr(spec, attribute)
            if text:
                known[column_key(text)] = spec.name
    return known


def clean_mapping(mapping: dict | None) -> dict[str, str]:
    """A mapping keyed by column key; targets are field names or IGNORE. A column without
    a name (the trailing comma of many spreadsheet exports) is keyed "" like any other:
    dropping that key left such a file unmatched whatever mapping was sent."""
    return {column_key(k): str(v or IGNORE) for k, v in (mapping or {}).items()}


def match_header(
    header: list[str], fields: list[FieldSpec], mapping: dict | None = None
) -> HeaderMatch:
    names = {spec.name for spec in fields}
    mapping = clean_mapping(mapping)
    known = _aliases(fields)
    match = HeaderMatch(targets=[])
    taken: set[str] = set()
    for column in header:
        key = column_key(column)
        target = mapping.get(key)
        if target == IGNORE:
            match.targets.append(None)
            continue
        if target not in names:  # no mapping, or one naming a field since removed
            target = known.get(key)
        if target is None:
            match.unmatched.append(column)
        elif target in taken:
            match.duplicates.append(column)
            target = None
        else:
            taken.add(target)
        match.targets.append(target)
    match.missing = [spec.name for spec in fields if spec.name not in taken]
    return match


def report_header(match: HeaderMatch, report: Report, reasons: dict) -> None:
    """The header's problems as rows of the validation report (row 1 is the header)."""
    for column in match.duplicates:
        report.add(1, column, column, "duplicate_column", reasons["duplicate_column"])
    for column in match.unmatched:
        report.add(1, column, column, "unknown_column", reasons["unknown_column"])
    for name in match.missing:
        report.add(1, name, None, "missing_column", reasons["missing_column"])
