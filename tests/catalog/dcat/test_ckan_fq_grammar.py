"""The fq subset's grammar: AND binds tighter than OR (as in Lucene), NOT and - negate."""

import pytest
from django.db.models import Q

from apps.catalog.ckan_query import SearchQueryError, parse_fq


def org(code: str) -> Q:
    return Q(provider__code=code)


def test_and_binds_tighter_than_or():
    assert parse_fq("organization:a OR organization:b AND organization:c") == org("a") | (
        org("b") & org("c")
    )
    assert parse_fq("organization:a AND organization:b OR organization:c") == (
        (org("a") & org("b")) | org("c")
    )


def test_adjacency_means_and_and_parentheses_group():
    assert parse_fq("organization:a organization:b") == org("a") & org("b")
    assert parse_fq("(organization:a OR organization:b) AND organization:c") == (
        (org("a") | org("b")) & org("c")
    )


def test_symbolic_operators_and_negation():
    assert parse_fq("organization:a || organization:b && organization:c") == org("a") | (
        org("b") & org("c")
    )
    assert parse_fq("NOT organization:a") == ~org("a")
    assert parse_fq("-organization:a OR organization:b") == ~org("a") | org("b")


@pytest.mark.parametrize(
    "text",
    ["organization:a OR", "(organization:a", "organization:a)", "AND organization:a", "()", "word"],
)
def test_malformed_queries_are_refused_not_guessed(text):
    with pytest.raises(SearchQueryError):
        parse_fq(text)


def test_empty_fq_is_no_condition():
    assert parse_fq("") == Q()
