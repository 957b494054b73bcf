"""json.loads with a nesting limit, shared by the API parser and the CKAN action API.

Python's decoder recurses once per level: 100,000 `[` end in RecursionError. Here the
depth is counted first, in one pass that skips string contents, and a NUL anywhere is
refused before it can reach a PostgreSQL text or jsonb column.
"""

import json
import re

_STRUCTURE = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class JsonTooDeep(ValueError):
    pass


class JsonWithNul(ValueError):
    pass


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON (DRF's STRICT_JSON), and PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not a valid JSON value")


def depth(body: bytes) -> int:
    deepest = level = 0
    for match in _STRUCTURE.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            level += 1
            deepest = max(deepest, level)
        elif token in (b"]", b"}"):
            level -= 1
    return deepest


def loads_bounded(body: bytes | str, *, max_depth: int):
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    if depth(body) > max_depth:
        raise JsonTooDeep(max_depth)
    if b"\x00" in body or b"\\u0000" in body:
        raise JsonWithNul()
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:
        raise JsonTooDeep(max_depth) from None
    except UnicodeDecodeError as exc:
        raise ValueError(str(exc)) from None
