"""Catalog reads, always scoped to the user through `DataResource.objects.restrict`."""

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL

from apps.accounts.models import User
from apps.catalog import facets, paging, search
from apps.catalog.choices import Classification, OpenType
from apps.catalog.choices import RegistrationStatus as S
from apps.catalog.models import DataResource, Theme
from apps.core.permissions import VIEW
from apps.workflow import policy
from apps.workflow.history import history_for
from apps.workflow.models import Objection
from apps.workflow.notice import objections_for
from apps.workflow.policy import get_object_for

# Query-string keys of the filters, and the model lookup each one filters on.
FILTERS = {
    "provider": "provider_id",
    "theme": "themes__code",
    "classification": "classification",
    "open_type": "open_type",
    "format": "data_format",
    "update_frequency": "update_frequency",
}

TIER_NAME, TIER_OTHER = 2, 1  # a name match outranks a match elsewhere


def _matches(terms: list[str], *, name_only: bool) -> Q | RawSQL:
    """All terms present (in the name only, if asked): GIN on PostgreSQL, LIKE elsewhere."""
    if connection.vendor == "postgresql":
        column = "search_name_vector" if name_only else "search_vector"
        # The column is one of two constants; the query terms stay a parameter.
        return RawSQL(  # noqa: S611
            f'"catalog_dataresource"."{column}" @@ %s::tsquery',
            [search.tsquery(terms)],
            output_field=BooleanField(),
        )
    return fallback_condition(terms, name_only=name_only)


def fallback_condition(terms: list[str], *, name_only: bool) -> Q:
    """SQLite: each term as a space-padded word of search_terms (or of its name part)."""
    condition = Q()
    for term in terms:
        if name_only:
            condition &= Q(search_name_part__contains=f" {term} ")
        else:
            condition &= Q(search_terms__contains=f" {term} ")
    return condition


def _with_name_part(queryset: QuerySet) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset
    from django.db.models import Value
    from django.db.models.functions import StrIndex, Substr

    separator = StrIndex("search_terms", Value(search.NAME_SEPARATOR))
    return queryset.alias(search_name_part=Substr("search_terms", 1, separator))


def resource_search(*, user, q: str = "", filters: dict | None = None) -> QuerySet:
    """Resources the user may view that match every query term and every filter.

    Unordered beyond newest-first: `resource_search_page` ranks a page of it (name
    matches first), because ranking the whole match set is what does not scale.
    """
    queryset = DataResource.objects.restrict(user, VIEW)
    for key, value in (filters or {}).items():
        if key in FILTERS and value not in (None, ""):
            queryset = queryset.filter(**{FILTERS[key]: value})
    terms = search.query_terms(q)
    if not terms:
        return queryset.order_by("-id")
    scope = _with_name_part(queryset).order_by("-id")
    result = scope.filter(_matches(terms, name_only=False))
    # The name tier needs only the name condition (a name match is a match): keeping the
    # all-terms condition there makes PostgreSQL read every candidate's long term vector.
    # A queryset filtered further by the caller is a clone without this, and stays correct.
    result._catalog_scope = scope
    return result


def name_tier(queryset: QuerySet, terms: list[str], tier: int) -> QuerySet:
    """The part of a search result in one relevance tier."""
    if not terms:
        return queryset
    name_match = _matches(terms, name_only=True)
    if tier == TIER_NAME:
        return queryset.filter(name_match)
    return queryset.exclude(name_match)


def resource_search_page(
    *, queryset: QuerySet, q: str = "", cursor: str | None = None, size: int = 20
) -> tuple[list[DataResource], str | None]:
    """One page of `resource_search` results, best tier first, newest first in a tier.

    Keyset paging on (tier, id): each tier is an `ORDER BY id DESC LIMIT n` query that
    PostgreSQL serves from the GIN index for rare terms or from the primary key for
    common ones, so a page costs the same at 1,000 and at 100,000 resources.
    """
    terms = search.query_terms(q)
    after = paging.decode_cursor(cursor)
    tiers = [TIER_NAME, TIER_OTHER] if terms else [TIER_OTHER]
    rows: list[tuple[int, DataResource]] = []
    for tier in tiers:
        if after and terms and tier > after[0]:
            continue  # that tier was exhausted on an earlier page
        base = getattr(queryset, "_catalog_scope", queryset) if tier == TIER_NAME else queryset
        part = name_tier(base, terms, tier).select_related("provider")
        if after and (tier == after[0] or not terms):
            part = part.filter(id__lt=after[1])
        rows += [(tier, r) for r in part[: size + 1 - len(rows)]]
        if len(rows) > size:
            break
    page = [resource for _tier, resource in rows[:size]]
    prefetch_related_objects(page, "themes")
    more = len(rows) > size
    return page, paging.encode_cursor(rows[size - 1][0], page[-1].pk) if more else None


def resource_facets(*, queryset: QuerySet, limit: int | None = None) -> facets.FacetCounts:
    """Counts per provider, theme, classification, open type, format and update frequency.

    Exact up to `limit` (setting CATALOG_FACET_LIMIT) matches; past it they are counted
    over that many matches and the result's `.exact` is False.
    """
    return facets.count(queryset, limit)


def resource_detail(*, user, pk) -> DataResource:
    """One resource the user may view (404 otherwise), with what the detail page shows."""
    resource = get_object_for(user, DataResource, pk, VIEW)
    return (
        DataResource.objects.select_related("provider")
        .prefetch_related("themes", "fields")
        .get(pk=resource.pk)
    )


def resource_list(*, user: User, status: str | None = None, mine: bool = False) -> QuerySet:
    """Resources the user may view, newest first, with what lists show prefetched."""
    queryset = DataResource.objects.restrict(user, VIEW).select_related("provider")
    queryset = queryset.prefetch_related("themes", "fields")
    if status:
        queryset = queryset.filter(status=status)
    if mine:
        queryset = queryset.filter(provider_id=getattr(user, "organization_id", None))
    return queryset


def review_queue(*, user: User) -> QuerySet:
    """What waits for the regulator: submissions, reviews and notices in progress."""
    return (
        resource_list(user=user)
        .filter(status__in=[S.SUBMITTED, S.UNDER_REVIEW, S.PUBLIC_NOTICE])
        .order_by("updated_at")
    )


def objection_list(*, user: User, resource: DataResource) -> QuerySet[Objection]:
    """Regulators and the provider read every objection; others only their own."""
    queryset = objections_for(resource)
    if policy.is_party(user, resource):
        return queryset
    return queryset.filter(organization_id=getattr(user, "organization_id", None) or 0)


def resource_history(*, user: User, resource: DataResource) -> list:
    """The registration history as `user` may read it: the provider and the regulator read
    every note; others the moves, and the notes of their own organization's entries."""
    entries = history_for(resource)
    return policy.visible_history(user, resource, entries)


def pending_change(*, resource: DataResource):
    """The metadata snapshot of a change or correction not yet registered, if any."""
    return resource.metadata_versions.filter(pending=True).first()


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()


def authorizable_resources() -> QuerySet[DataResource]:
    """What an agreement may put in its scope: resources in the registry that can ever be
    authorized (the same rule as `DataResource.is_authorizable`)."""
    return (
        DataResource.objects.public()
        .exclude(classification=Classification.CORE)
        .exclude(open_type=OpenType.PROHIBITED)
        .filter(in_operation_scope=True)
        .order_by("name")
    )
