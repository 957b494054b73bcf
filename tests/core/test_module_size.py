"""No module under apps/ grows past 400 lines (STYLE.md: split it before it does)."""

from pathlib import Path

import apps

APPS_DIR = Path(apps.__file__).parent
MAX_LINES = 400
# Modules allowed past the limit for a stated reason (none today).
KNOWN_EXCEPTIONS: set[str] = set()


def test_no_module_is_longer_than_400_lines():
    long = {
        path.relative_to(APPS_DIR).as_posix(): count
        for path in APPS_DIR.rglob("*.py")
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert {name: n for name, n in long.items() if name not in KNOWN_EXCEPTIONS} == {}


def test_the_known_exceptions_are_still_too_long_until_the_lead_removes_them():
    # A stale exception would silently allow that module to grow past the limit again.
    for name in KNOWN_EXCEPTIONS:
        path = APPS_DIR / name
        if path.exists():
            assert len(path.read_text().splitlines()) > MAX_LINES, f"drop {name}"
