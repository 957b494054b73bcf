"""Agency forms of dates and numbers, rewritten into the canonical form before typing.

Only the values that fail the canonical pattern are looked at (taken out of the batch,
rewritten, put back), so a clean file pays for one vectorized check per column, the
check validation makes anyway. Each rewrite is counted by form, for the report.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext_noop

from apps.catalog.choices import FieldType

FORMS = {
    "full_width": gettext_noop("full-width characters (１２３ → 123)"),
    "thousands": gettext_noop("thousands separators (1,234.50 → 1234.50)"),
    "slash": gettext_noop("dates with slashes (2022/09/20 → 2022-09-20)"),
    "dot": gettext_noop("dates with dots (2022.09.20 → 2022-09-20)"),
    "chinese": gettext_noop("Chinese dates (2022年9月20日 → 2022-09-20)"),
    "compact": gettext_noop("dates without separators (20220920 → 2022-09-20)"),
    "unpadded": gettext_noop("dates without leading zeros (2022-9-20 → 2022-09-20)"),
}
# Full-width ASCII forms and the ideographic space (RE2's \d is ASCII only, so a
# full-width digit never passes a canonical pattern unnoticed).
_FULL_WIDTH = r"[\x{3000}\x{FF01}-\x{FF5E}]"
_REST = r"([ T].*)?"  # the time part of a datetime, if any
Rewrite = str | Callable[[pa.Array, pa.Array], pa.Array]  # regex template or (values, hits)


def _without_commas(values: pa.Array, hits: pa.Array) -> pa.Array:
    return pc.if_else(hits, pc.replace_substring(values, ",", ""), values)


def _trim(values: pa.Array, hits: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(values)


def _date_steps(rest: str) -> list[tuple[str | None, str, Rewrite | None]]:
    """The date forms, alone (`rest` empty) or at the start of a datetime."""
    tail = r"\4" if rest else ""
    chinese = r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    return [
        ("unpadded", rf"^\d{{4}}-(\d-\d{{1,2}}|\d{{2}}-\d){rest}$", None),
        ("slash", rf"^(\d{{4}})/(\d{{1,2}})/(\d{{1,2}}){rest}$", rf"\1-\2-\3{tail}"),
        ("dot", rf"^(\d{{4}})\.(\d{{1,2}})\.(\d{{1,2}}){rest}$", rf"\1-\2-\3{tail}"),
        *(
            [("chinese", chinese + r"\s*(.*)$", r"\1-\2-\3 \4"), (None, r"\s$", _trim)]
            if rest
            else [("chinese", chinese + "$", r"\1-\2-\3")]
        ),
        ("compact", r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3"),
        # zero-pad month, day and hour: 2022-9-5 8:00 → 2022-09-05 08:00
        (None, r"^(\d{4})-(\d)-", r"\1-0\2-"),
        (None, r"^(\d{4}-\d{2})-(\d)([ T]|$)", r"\1-0\2\3"),
        (None, r"^(\d{4}-\d{2}-\d{2})[ T](\d):", r"\1 0\2:"),
    ]


STEPS: dict[str, list[tuple[str | None, str, Rewrite | None]]] = {
    FieldType.INTEGER: [("thousands", r"^[+-]?\d{1,3}(,\d{3})+$", _without_commas)],
    FieldType.DECIMAL: [("thousands", r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", _without_commas)],
    FieldType.DATE: _date_steps(""),
    FieldType.DATETIME: [
        *_date_steps(_REST),
        ("compact", r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$", r"\1-\2-\3 \4:\5:\6"),
        # ISO variants taken as they always were, not counted: T, no seconds, no time
        (None, r"^(\d{4}-\d{2}-\d{2})T", r"\1 "),
        (None, r"^(\d{4}-\d{2}-\d{2})$", r"\1 00:00:00"),
        (None, r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2})$", r"\1:00"),
    ],
}


def _match(array: pa.Array, pattern: str) -> pa.Array:
    return pc.fill_null(pc.match_substring_regex(array, pattern), False)


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


@dataclass
class Rewritten:
    """Which values were rewritten (their indexes) and by which forms."""

    where: pa.Array
    hits: dict[str, pa.Array]

    def count(self, ok: pa.Array, into: dict[str, int]) -> None:
        """Adds the rewritten values that then passed validation, by form."""
        ok = ok.take(self.where)
        for form, hits in self.hits.items():
            n = pc.sum(pc.and_(hits, ok)).as_py() or 0
            if n:
                into[form] = into.get(form, 0) + n


def normalize(
    text: pa.Array, present: pa.Array, kind: str, canonical: str
) -> tuple[pa.Array, pa.Array, Rewritten | None]:
    """(text with agency forms rewritten, canonical-pattern mask, what was rewritten).

    Without a value off the canonical pattern the text comes back as it is, with the
    mask computed once.
    """
    shape = _match(text, canonical)
    off = pc.and_(present, pc.invert(shape))
    if not _any(off):
        return text, shape, None
    where = pc.indices_nonzero(off)
    values = text.take(where)
    hits: dict[str, pa.Array] = {}
    wide = _match(values, _FULL_WIDTH)
    if _any(wide):
        values = pc.utf8_trim_whitespace(
            pc.if_else(wide, pc.utf8_normalize(values, form="NFKC"), values)
        )
        hits["full_width"] = wide
    for form, pattern, rewrite in STEPS[kind]:
        found = _match(values, pattern)
        if not _any(found):
            continue
        if form:
            hits[form] = pc.or_(hits[form], found) if form in hits else found
        if isinstance(rewrite, str):
            values = pc.replace_substring_regex(values, pattern, rewrite)
        elif rewrite is not None:
            values = rewrite(values, found)
    text = pc.replace_with_mask(text, off, values)
    return text, _match(text, canonical), Rewritten(where, hits)
