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


class JsonWithSurrogate(ValueError):
    """A `\\ud800`-style escape of half a UTF-16 pair: no character at all, and neither
    UTF-8 nor PostgreSQL can hold it."""


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
        data = json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:
        raise JsonTooDeep(max_depth) from None
    except UnicodeDecodeError as exc:
        raise ValueError(str(exc)) from None
    if (_SURROGATE_ESCAPE.search(body) or b"\xed" in body) and has_surrogate(data):
        raise JsonWithSurrogate()
    return data


# A \uD800-\uDFFF escape (either case), the only way a JSON text can carry a lone one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]", re.ASCII)


def has_surrogate(value) -> bool:
    """Whether a string anywhere in the decoded value (keys too) holds a lone surrogate
    (a well-formed pair decodes to one character and is fine)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
