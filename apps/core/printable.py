"""Caller text made fit for a log or the audit record: control characters, line and
paragraph separators and bidirectional overrides (which would rewrite or reorder what a
reader sees) replaced, and the text cut."""

import re

# C0 (but tab and line breaks), DEL, C1, the Unicode line and paragraph separators, and the
# bidi embeddings, overrides and isolates.
_HIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_IN_TEXT = re.compile(f"[{_HIDDEN}]")
_ON_ONE_LINE = re.compile(f"[{_HIDDEN}\t\n\r]")


def printable(text, limit: int, *, one_line: bool = False, blank: str = " ") -> str:
    """`text` cut to `limit`, each hidden character shown as `blank`; `one_line` blanks
    tabs and line breaks too (a path, a header's name), which a free text keeps."""
    pattern = _ON_ONE_LINE if one_line else _IN_TEXT
    return pattern.sub(blank, str(text or "")[:limit])
