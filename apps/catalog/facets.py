"""Facet counts of a search result in one statement.

The result set is written once as a CTE and grouped six ways with UNION ALL, so the
matching runs once instead of once per facet, on PostgreSQL and on SQLite alike. The CTE
stops at CATALOG_FACET_LIMIT matches: exact counts of a broad query over a large catalog
would visit every matching row, and a search page must cost the same at any size. Past
the limit the counts describe that many matches and the answer says so (exact: false).
Labels come from the choices and from two small lookups.
"""

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import get_language

from apps.accounts.models import Organization
from apps.catalog.choices import Classification, DataFormat, OpenType, UpdateFrequency
from apps.catalog.models import DataResource, Theme

# facet key -> column of the result set
COLUMNS = {
    "provider": "provider_id",
    "classification": "classification",
    "open_type": "open_type",
    "format": "data_format",
    "update_frequency": "update_frequency",
}
CHOICES = {
    "classification": Classification,
    "open_type": OpenType,
    "format": DataFormat,
    "update_frequency": UpdateFrequency,
}
KEYS = ["provider", "theme", "classification", "open_type", "format", "update_frequency"]


def _grouped_sql(queryset: QuerySet, limit: int) -> tuple[str, tuple]:
    # Unordered LIMIT: the scan stops after `limit` matches, so cost has a ceiling.
    sample = queryset.order_by().values("id", *COLUMNS.values())[:limit]
    inner, params = sample.query.sql_with_params()
    through = DataResource.themes.through._meta.db_table
    # Only fixed column and table names are formatted in; values stay parameters.
    parts = [
        f"SELECT '{key}', CAST({column} AS TEXT), COUNT(*) FROM m GROUP BY {column}"  # noqa: S608
        for key, column in COLUMNS.items()
    ]
    parts.append(
        f"SELECT 'theme', theme_id, COUNT(*) FROM {through} "  # noqa: S608
        "WHERE dataresource_id IN (SELECT id FROM m) GROUP BY theme_id"
    )
    parts.append("SELECT 'total', NULL, COUNT(*) FROM m")
    return f"WITH m AS ({inner}) " + " UNION ALL ".join(parts), params


class FacetCounts(dict):
    """{facet key: [{value, label, count}]}; `exact` is False when counted over a sample."""

    exact = True


def count(queryset: QuerySet, limit: int | None = None) -> FacetCounts:
    limit = limit or settings.CATALOG_FACET_LIMIT
    result = FacetCounts({key: [] for key in KEYS})
    try:
        sql, params = _grouped_sql(queryset, limit + 1)
    except EmptyResultSet:
        return result
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    english = (get_language() or "").startswith("en")
    labels = _labels(rows, english)
    for key, value, n in rows:
        if key == "total":
            result.exact = n <= limit
            continue
        if value is None:
            continue
        label = labels.get((key, value), value)
        result[key].append({"value": value, "label": str(label), "count": n})
    for entries in result.values():
        entries.sort(key=lambda e: (-e["count"], e["label"]))
    return result


def _labels(rows, english: bool) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    for key, choices in CHOICES.items():
        labels.update({(key, value): label for value, label in choices.choices})
    provider_ids = [int(value) for key, value, _n in rows if key == "provider" and value]
    for org in Organization.objects.filter(pk__in=provider_ids).only("name", "name_en"):
        labels[("provider", str(org.pk))] = (english and org.name_en) or org.name
    if any(key == "theme" for key, _v, _n in rows):
        for theme in Theme.objects.all():
            labels[("theme", theme.code)] = (english and theme.name_en) or theme.name
    return labels
