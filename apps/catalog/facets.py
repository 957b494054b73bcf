"""Facet counts of a search result in one statement.

The result set is written once as a CTE and grouped six ways with UNION ALL, so the
matching (the expensive part) runs once instead of once per facet, on PostgreSQL and on
SQLite alike. Labels come from the choices and from two small lookups.
"""

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


def _grouped_sql(queryset: QuerySet) -> tuple[str, tuple]:
    inner, params = queryset.order_by().values("id", *COLUMNS.values()).query.sql_with_params()
    through = DataResource.themes.through._meta.db_table
    # Only fixed column and table names are formatted in; values stay parameters.
    parts = [
        f"SELECT '{key}', CAST({column} AS TEXT), COUNT(*) FROM m GROUP BY {column}"  # noqa: S608
        for key, column in COLUMNS.items()
    ]
    parts.append(
        f"SELECT 'theme', t.theme_id, COUNT(*) FROM m JOIN {through} t "  # noqa: S608
        "ON t.dataresource_id = m.id GROUP BY t.theme_id"
    )
    return f"WITH m AS ({inner}) " + " UNION ALL ".join(parts), params


def count(queryset: QuerySet) -> dict[str, list[dict]]:
    result: dict[str, list[dict]] = {key: [] for key in KEYS}
    try:
        sql, params = _grouped_sql(queryset)
    except EmptyResultSet:
        return result
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    english = (get_language() or "").startswith("en")
    labels = _labels(rows, english)
    for key, value, n in rows:
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
