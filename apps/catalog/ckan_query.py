"""Solr-flavoured filter queries (fq) as CKAN clients and harvesters send them, as Q objects.

Understood: `field:value`, `field:"quoted value"`, `field:[A TO B]` on dates, a leading
`+`/`-`/`NOT`, `AND`/`OR` read left to right, and parentheses, e.g. the CKAN harvester's
`(organization:a OR -groups:b)` and `metadata_modified:[2025-01-01T00:00:00Z TO *]`.
"""

import json
import re
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Q

from apps.catalog.choices import OpenType
from apps.catalog.models import DataResource
from apps.catalog.publication import FORMAT_LABELS, name_pattern


class SearchQueryError(Exception):
    """The query cannot be understood (CKAN: "Search Query Error", HTTP 400)."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<paren>[()])
      | (?P<op>AND|OR|NOT|&&|\|\|)(?=[\s(]|$)
      | (?P<sign>[+-]?)(?P<field>[A-Za-z_.]+):
        (?P<value>"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s()]+)
    )""",
    re.VERBOSE,
)
_FORMATS = {label.lower(): code for code, label in FORMAT_LABELS.items()}
OPEN_LICENSE = "other-open"


def _tag(value: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(tags__contains=[value])
    # Elsewhere JSON is stored as text written by json.dumps, so look for the encoded string.
    return Q(tags__icontains=json.dumps(value))


def _when(text: str) -> datetime | None:
    if text == "*":
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(f"Not a date: {text}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _range(column: str, value: str) -> Q:
    match = re.fullmatch(r"\[\s*(\S+)\s+TO\s+(\S+)\s*\]", value)
    if not match:
        raise SearchQueryError(f"Expected [FROM TO UNTIL] for {column}: {value}")
    start, end = _when(match.group(1)), _when(match.group(2))
    condition = Q()
    if start:
        condition &= Q(**{f"{column}__gte": start})
    if end:
        condition &= Q(**{f"{column}__lte": end})
    return condition


def _theme(value: str) -> Q:
    through = DataResource.themes.through.objects.filter(theme_id=value.upper())
    return Q(pk__in=through.values("dataresource_id"))


_FIELDS = {
    "organization": lambda v: Q(provider__code=v),
    "owner_org": lambda v: Q(provider_id=int(v)) if v.isdigit() else Q(pk__in=[]),
    "tags": _tag,
    "groups": _theme,
    "res_format": lambda v: Q(data_format=_FORMATS.get(v.lower(), "-")),
    "license_id": lambda v: (
        Q(open_type=OpenType.UNCONDITIONAL)
        if v == OPEN_LICENSE
        else ~Q(open_type=OpenType.UNCONDITIONAL)
    ),
    "name": lambda v: Q(registry_code__iregex=name_pattern(v.lower())),
    "id": lambda v: Q(pk=int(v)) if v.isdigit() else Q(pk__in=[]),
    "registry_code": lambda v: Q(registry_code__iexact=v),
    "classification": lambda v: Q(classification=v),
    "open_type": lambda v: Q(open_type=v),
    "update_frequency": lambda v: Q(update_frequency=v),
    "metadata_modified": lambda v: _range("updated_at", v),
    "metadata_created": lambda v: _range("created_at", v),
    # Constant in this catalog: every package is a public, active dataset.
    "dataset_type": lambda v: Q() if v == "dataset" else Q(pk__in=[]),
    "state": lambda v: Q() if v == "active" else Q(pk__in=[]),
    "capacity": lambda v: Q() if v == "public" else Q(pk__in=[]),
}
FIELDS = frozenset(_FIELDS)


def clause(field: str, value: str) -> Q:
    if field not in _FIELDS:
        raise SearchQueryError(f"Unknown field: {field}")
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value = value[1:-1].replace('\\"', '"')
    return _FIELDS[field](value)


def _tokens(text: str) -> list[re.Match]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise SearchQueryError(f"Cannot parse the query near: {text[position:][:40]!r}")
        tokens.append(match)
        position = match.end()
    return tokens


def parse_fq(text: str) -> Q:
    """The Q for a whole fq string (empty string: no condition)."""
    tokens = _tokens(text or "")
    condition, rest = _expression(tokens, 0)
    if rest != len(tokens):
        raise SearchQueryError("Unbalanced parentheses")
    return condition


def _expression(tokens: list[re.Match], index: int) -> tuple[Q, int]:
    result: Q | None = None
    operator, negate = "AND", False
    while index < len(tokens):
        token = tokens[index]
        if token["paren"] == ")":
            break
        index += 1
        if token["op"]:
            op = {"&&": "AND", "||": "OR"}.get(token["op"], token["op"])
            negate, operator = (True, operator) if op == "NOT" else (negate, op)
            continue
        if token["paren"] == "(":
            term, index = _expression(tokens, index)
            if index >= len(tokens) or tokens[index]["paren"] != ")":
                raise SearchQueryError("Unbalanced parentheses")
            index += 1
        else:
            term = clause(token["field"], token["value"])
            negate = negate or token["sign"] == "-"
        term = ~term if negate else term
        if result is not None:
            term = (result | term) if operator == "OR" else (result & term)
        result = term
        operator, negate = "AND", False
    return result if result is not None else Q(), index
