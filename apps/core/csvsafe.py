"""CSV injection (OWASP): cells a spreadsheet would run as a formula, in one place.

A cell is dangerous when its first significant character is `=`, `+`, `-`, `@`, a tab or
a carriage return. "Significant" skips what a reader does not see: whitespace, zero-width
and other format characters (U+200B, U+2060, U+FEFF...). Full-width and small forms
(`＝＋－＠`, `﹦`) count as their ASCII twins, since spreadsheets in CJK locales read them so.

- Exports (every CSV the platform writes) neutralize such a cell with a leading `'`:
  `neutralize(value)` or `writer(...)`.
- Uploads refuse them (apps.catalog.ingest.validate) with the RE2 patterns below, which
  say the same for Arrow's vectorized kernels, except that a leading tab or CR alone is
  data there (the export still neutralizes it).
"""

import csv
import unicodedata

_TRIGGERS = frozenset("=+-@\t\r")
_INVISIBLE = frozenset(("Cc", "Cf", "Zs", "Zl", "Zp"))

# RE2 (Arrow) forms of the same rule, for the upload check.
_SKIP = r"[\t\r \p{Z}\p{Cf}]*"
FORMULA_START = rf"^{_SKIP}[=@＝＠﹦﹫]"
SIGN_START = rf"^{_SKIP}[+\-＋－﹢﹣]"
# "+86 138 0000 0000" and "-12.5" stay allowed in uploads: an ASCII sign, nothing hidden
# before it, then only digits, spaces and punctuation.
SIGNED_NUMBER = r"^[\t\r ]*[+-][\d\s().,-]*$"


def is_formula(value: str) -> bool:
    for char in value:
        if char in _TRIGGERS or unicodedata.normalize("NFKC", char) in _TRIGGERS:
            return True
        if not (char.isspace() or unicodedata.category(char) in _INVISIBLE):
            return False
    return False


def neutralize(value):
    """The value as a spreadsheet will show it, never run it: `'` before a formula."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, target, **kwargs):
        self._writer = csv.writer(target, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([neutralize(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(target, **kwargs) -> _SafeWriter:
    """csv.writer whose every cell goes through `neutralize`."""
    return _SafeWriter(target, **kwargs)
