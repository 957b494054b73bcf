"""CKAN package_search: q, fq, sort, paging and facets over the public catalog."""

import json
import re
from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from apps.catalog.choices import OpenType
from apps.catalog.ckan import LICENSES, ValidationError, integer, package_dict
from apps.catalog.ckan_query import FIELDS, OPEN_LICENSE, SearchQueryError, parse_fq
from apps.catalog.models import DataResource
from apps.catalog.publication import FORMAT_LABELS, public_resources

DEFAULT_SORT = "score desc, metadata_modified desc"
_SORTS = {
    "metadata_modified": "updated_at",
    "metadata_created": "created_at",
    "name": "registry_code",
    "title_string": "name",
    "id": "pk",
}
# Facet field -> model column whose values are counted (tags and themes are special).
_FACET_COLUMNS = {
    "organization": "provider__code",
    "res_format": "data_format",
    "license_id": "open_type",
    "classification": "classification",
    "open_type": "open_type",
    "update_frequency": "update_frequency",
}
FACETS = frozenset([*_FACET_COLUMNS, "tags", "groups"])
_FIELD_CLAUSE = re.compile(r'^[+-]?([A-Za-z_.]+):("[^"]*"|\[[^\]]*\]|\S+)$')


def match_text(queryset: QuerySet[DataResource], text: str) -> QuerySet[DataResource]:
    """Free-text part of q through the catalog's search index (Chinese bigrams, words),
    or a registry code."""
    from django.contrib.auth.models import AnonymousUser

    from apps.catalog.selectors import resource_search

    if not text.strip():
        return queryset
    found = resource_search(user=AnonymousUser(), q=text).values("pk")
    return queryset.filter(Q(pk__in=found) | Q(registry_code__icontains=text.strip()))


def _split_q(q: str) -> tuple[Q, str]:
    """Solr-style `field:value` words in q act as filters; the rest is free text."""
    filters, words = Q(), []
    for word in q.split():
        match = _FIELD_CLAUSE.match(word)
        if word == "*:*":
            continue
        if match and match.group(1) in FIELDS:
            filters &= parse_fq(word)
        else:
            words.append(word)
    return filters, " ".join(words)


def _ordering(sort: str) -> list[str]:
    order = []
    for part in (sort or DEFAULT_SORT).split(","):
        field, _, direction = part.strip().partition(" ")
        direction = direction.strip().lower() or "asc"
        if direction not in ("asc", "desc"):
            raise SearchQueryError(f"Bad sort direction: {part.strip()}")
        if field == "score":
            continue  # no relevance score yet: the remaining keys decide
        if field not in _SORTS:
            raise SearchQueryError(f"Cannot sort by: {field}")
        order.append(("-" if direction == "desc" else "") + _SORTS[field])
    return [*(order or ["-updated_at"]), "pk"]


def _facet_fields(data: dict) -> list[str]:
    raw = data.get("facet.field", data.get("facet_field"))
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ValidationError(**{"facet.field": ["Not a JSON list"]}) from None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValidationError(**{"facet.field": ["Not a JSON list of field names"]})
    fields = list(dict.fromkeys(raw))  # repeats count once: bounded work per request
    unknown = [field for field in fields if field not in FACETS][:10]
    if unknown:
        raise ValidationError(**{"facet.field": [f"Cannot facet on: {', '.join(unknown)}"]})
    return fields


def _counts(matched: QuerySet[DataResource], field: str) -> tuple[Counter, dict[str, str]]:
    """Count per facet value over every match, not just the page, and display names."""
    if field == "tags":
        counts = Counter(str(t) for tags in matched.values_list("tags", flat=True) for t in tags)
        return counts, {}
    if field == "groups":
        rows = matched.filter(themes__isnull=False).values("themes__code", "themes__name")
        rows = rows.annotate(n=Count("pk", distinct=True))
        counts = Counter({row["themes__code"].lower(): row["n"] for row in rows})
        return counts, {row["themes__code"].lower(): row["themes__name"] for row in rows}
    rows = matched.values(_FACET_COLUMNS[field]).annotate(n=Count("pk")).order_by()
    counts: Counter = Counter()
    for row in rows:
        value = row[_FACET_COLUMNS[field]]
        if field == "res_format":
            value = FORMAT_LABELS[value]
        elif field == "license_id":
            value = OPEN_LICENSE if value == OpenType.UNCONDITIONAL else "other-closed"
        counts[value] += row["n"]
    if field == "organization":
        names = dict(matched.values_list("provider__code", "provider__name").distinct())
        return counts, names
    if field == "license_id":
        return counts, LICENSES
    return counts, {}


def package_search(data: dict, base: str) -> dict[str, Any]:
    rows = integer(data, "rows", 10, maximum=settings.CKAN_ROWS_MAX)
    start = integer(data, "start", 0)
    try:
        facet_limit = int(data.get("facet.limit", 50))  # -1: no limit, as in Solr
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(**{"facet.limit": ["Invalid integer"]}) from None
    if facet_limit != -1:
        facet_limit = integer(data, "facet.limit", 50)
    facet_mincount = integer(data, "facet.mincount", 1)
    fields = _facet_fields(data)
    sort = str(data.get("sort") or DEFAULT_SORT)

    q = str(data.get("q") or "")
    if len(q) > settings.CKAN_Q_MAX_CHARS:
        raise SearchQueryError(f"q is longer than {settings.CKAN_Q_MAX_CHARS} characters")
    q_filters, text = _split_q(q)
    matched = DataResource.objects.public().filter(q_filters, parse_fq(str(data.get("fq") or "")))
    matched = match_text(matched, text)
    page = public_resources().filter(pk__in=matched.values("pk")).order_by(*_ordering(sort))

    facets, search_facets = {}, {}
    for field in fields:
        counts, names = _counts(matched, field)
        items = [(v, n) for v, n in counts.most_common() if n >= facet_mincount]
        items = items if facet_limit < 0 else items[:facet_limit]
        facets[field] = dict(items)
        search_facets[field] = {
            "title": field,
            "items": [{"name": v, "display_name": names.get(v, v), "count": n} for v, n in items],
        }
    return {
        "count": matched.count(),
        "sort": sort,
        "results": [package_dict(resource, base) for resource in page[start : start + rows]],
        "facets": facets,
        "search_facets": search_facets,
    }
