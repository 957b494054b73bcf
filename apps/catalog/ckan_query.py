"""Solr-flavoured filter queries (fq) as CKAN clients and harvesters send them, as Q objects.

A deliberate subset of Solr's standard query syntax, the part CKAN clients send:
`field:value`, `field:"quoted value"`, `field:[A TO B]` on dates, a leading `+`/`-`/`NOT`,
`AND` (also `&&` or mere adjacency), `OR` (`||`) and parentheses, e.g. the CKAN harvester's
`(organization:a OR -groups:b)` and `metadata_modified:[2025-01-01T00:00:00Z TO *]`.
AND binds tighter than OR, as in Lucene: `a OR b AND c` is `a OR (b AND c)`. Not understood
(refused with "Search Query Error", never guessed at): bare words, wildcards, fuzzy `~`,
boosts `^`, `field:(a b)` groups, local params `{!...}`. Size, nesting depth and number
of terms are capped (CKAN_FQ_MAX_CHARS, CKAN_FQ_MAX_DEPTH, CKAN_FQ_MAX_TERMS) so one request
does bounded work. A real Lucene parser (luqum) was weighed and not taken: it accepts far
more than this catalog can answer, which would only move the refusals into a tree walker.
"""

import json
import re
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.db.models import Q

from apps.catalog.choices import OpenType
from apps.catalog.models import DataResource
from apps.catalog.publication import FORMAT_LABELS, name_pattern
from apps.core.converters import parse_id


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


def is_id(text: str) -> bool:
    """ASCII digits that fit a bigint (str.isdigit() also accepts '²', which int() refuses)."""
    return parse_id(text) is not None


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
    try:  # a moment with no UTC equivalent (0001-01-01T00:00+08:00) fails in the query
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        raise SearchQueryError(f"Date out of range: {text}") from None


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
    "owner_org": lambda v: Q(provider_id=int(v)) if is_id(v) else Q(pk__in=[]),
    "tags": _tag,
    "groups": _theme,
    "res_format": lambda v: Q(data_format=_FORMATS.get(v.lower(), "-")),
    "license_id": lambda v: (
        Q(open_type=OpenType.UNCONDITIONAL)
        if v == OPEN_LICENSE
        else ~Q(open_type=OpenType.UNCONDITIONAL)
    ),
    "name": lambda v: Q(registry_code__iregex=name_pattern(v.lower())),
    "id": lambda v: Q(pk=int(v)) if is_id(v) else Q(pk__in=[]),
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


def _check_limits(text: str, tokens: list[re.Match]) -> None:
    """Bounded work per request: a hostile fq is refused before any Q is built."""
    terms = sum(1 for token in tokens if token["field"])
    if terms > settings.CKAN_FQ_MAX_TERMS:
        raise SearchQueryError(f"More than {settings.CKAN_FQ_MAX_TERMS} terms")
    level = deepest = 0
    for token in tokens:
        if token["paren"]:
            level += 1 if token["paren"] == "(" else -1
            deepest = max(deepest, level)
    if deepest > settings.CKAN_FQ_MAX_DEPTH:
        raise SearchQueryError(f"Parentheses nested deeper than {settings.CKAN_FQ_MAX_DEPTH}")


def parse_fq(text: str) -> Q:
    """The Q for a whole fq string (empty string: no condition)."""
    text = text or ""
    if len(text) > settings.CKAN_FQ_MAX_CHARS:
        raise SearchQueryError(f"Longer than {settings.CKAN_FQ_MAX_CHARS} characters")
    tokens = _tokens(text)
    _check_limits(text, tokens)
    if not tokens:
        return Q()
    parser = _Parser(tokens)
    condition = parser.expression()
    if parser.index != len(tokens):
        raise SearchQueryError("Unbalanced parentheses")
    return condition


class _Parser:
    """Recursive descent, one method per precedence level (as Lucene and luqum read it):
    expression = conjunction (OR conjunction)*; conjunction = unary ([AND] unary)*;
    unary = NOT unary | [+-]field:value | ( expression ). Recursion is bounded by
    CKAN_FQ_MAX_DEPTH, checked before parsing."""

    def __init__(self, tokens: list[re.Match]):
        self.tokens, self.index = tokens, 0

    def _peek(self) -> re.Match | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    @staticmethod
    def _op(token: re.Match | None) -> str | None:
        if token is None or not token["op"]:
            return None
        return {"&&": "AND", "||": "OR"}.get(token["op"], token["op"])

    def expression(self) -> Q:
        result = self.conjunction()
        while self._op(self._peek()) == "OR":
            self.index += 1
            result = result | self.conjunction()
        return result

    def conjunction(self) -> Q:
        result = self.unary()
        while True:
            token = self._peek()
            if token is None or token["paren"] == ")" or self._op(token) == "OR":
                return result
            if self._op(token) == "AND":
                self.index += 1
            result = result & self.unary()

    def unary(self) -> Q:
        token = self._peek()
        if token is None:
            raise SearchQueryError("A term is missing at the end")
        self.index += 1
        op = self._op(token)
        if op == "NOT":
            return ~self.unary()
        if op or token["paren"] == ")":
            raise SearchQueryError(f"Unexpected {token.group().strip()!r}")
        if token["paren"] == "(":
            inner = self.expression()
            closing = self._peek()
            if closing is None or closing["paren"] != ")":
                raise SearchQueryError("Unbalanced parentheses")
            self.index += 1
            return inner
        term = clause(token["field"], token["value"])
        return ~term if token["sign"] == "-" else term
