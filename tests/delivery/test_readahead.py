"""Read-ahead (apps.delivery.readahead): a keyset walk gets exactly the rows it would get
page by page from DuckDB, with far fewer DuckDB reads, and kept rows never cross from one
query (fields, filters, order, row filter, version) to another."""

from dataclasses import replace

import pytest
from django.test import override_settings

from apps.catalog.models import DatasetVersion
from apps.delivery import readahead, services
from apps.delivery.query import parse
from apps.delivery.sources import grant_source
from apps.grants.issuing import grant_suspend
from apps.grants.models import Grant
from tests.delivery.conftest import url

pytestmark = pytest.mark.django_db

WALKS = [
    {"page_size": 7},
    {"page_size": 1},
    {"page_size": 17, "order": "-credit_code"},
    {"page_size": 5, "order": "credit_code", "filter[credit_code][prefix]": "91450100MA0000"},
    {"page_size": 3, "fields": "legal_rep", "filter[credit_code][range]": ",91450100MA00000060"},
]


@pytest.fixture(autouse=True)
def _empty(grant):
    Grant.objects.filter(pk=grant.pk).update(rate_per_minute=10**6, calls_per_day=10**6)
    readahead.pages.clear()
    yield
    readahead.pages.clear()


def walk(client, grant, **params) -> tuple[list[dict], int]:
    """Every row of the walk (as delivered: masked, watermarked), and the DuckDB reads it
    took."""
    rows, cursor, reads = [], None, 0
    select = services._select

    def counted(*args):
        nonlocal reads
        reads += 1
        return select(*args)

    services._select = counted
    try:
        while True:
            response = client.get(url(grant, **params, **({"cursor": cursor} if cursor else {})))
            assert response.status_code == 200, response.content
            body = response.json()
            rows.extend(body["results"])
            cursor = body["next"]
            if not cursor:
                return rows, reads
    finally:
        services._select = select


@pytest.mark.parametrize("params", WALKS)
def test_a_walk_reads_ahead_and_gets_the_same_rows_as_page_by_page(key_client, grant, params):
    with override_settings(DELIVERY_READ_AHEAD_ROWS=0):
        expected, reads_alone = walk(key_client, grant, **params)
    readahead.pages.clear()
    with override_settings(DELIVERY_READ_AHEAD_ROWS=20):
        rows, reads = walk(key_client, grant, **params)
    assert rows == expected and len(rows) > 0
    pages = -(-len(rows) // params["page_size"])
    assert reads_alone >= pages
    # One read serves as many whole pages as 20 rows take (at least one, 2 of 17 rows).
    per_read = -(-20 // params["page_size"])
    assert reads == -(-pages // per_read) < reads_alone


def test_kept_rows_serve_only_the_same_query(grant):
    source = grant_source(grant)
    query = parse({"page_size": "10"}, source, salt="t")
    first, after = services._read(grant, query, source)
    assert after == (None, first.column("__row")[9].as_py())
    # Another row filter, another field list, another order, another masking, another
    # grant: each is a different walk and reads DuckDB itself, even from the same position.
    narrower = replace(
        source, row_filter=({"field": "reg_capital", "op": "range", "value": [0, 200]},)
    )
    unmasked = replace(source, fields=tuple(replace(f, masking="none") for f in source.fields))
    stranger = Grant(pk=grant.pk + 1000)
    others = [
        (grant, replace(query, after=after), narrower),
        (grant, replace(query, after=after, fields=["credit_code"]), source),
        (grant, replace(query, after=after, order="credit_code"), source),
        (grant, replace(query, after=after), unmasked),
        (stranger, replace(query, after=after), source),
    ]
    for other_grant, other, other_source in others:
        shape = readahead.shape_of(other_grant, other_source.version, other, other_source)
        assert readahead.pages.take(shape, after) is None
    same = readahead.shape_of(grant, source.version, replace(query, after=after), source)
    assert readahead.pages.take(same, after) is not None
    # A new version of the data (another SHA-256) is another walk too.
    version = DatasetVersion(pk=source.version.pk, sha256="0" * 64)
    assert readahead.shape_of(grant, version, query, source) != readahead.shape_of(
        grant, source.version, query, source
    )


def test_only_masked_rows_are_kept(key_client, grant):
    """What a process keeps is what the grant may see: legal_rep masked (张** for 张三某)."""
    assert key_client.get(url(grant, page_size=5)).status_code == 200
    (run,) = readahead.pages._runs.values()
    kept = run.rows.column("legal_rep").to_pylist()
    assert kept and not any("某" in value for value in kept)


def test_a_suspended_grant_is_refused_even_with_its_next_page_kept(key_client, grant, regulator):
    body = key_client.get(url(grant, page_size=5)).json()
    assert body["next"] and len(readahead.pages._runs) == 1
    grant_suspend(grant=grant, user=regulator, reason="整改")
    response = key_client.get(url(grant, page_size=5, cursor=body["next"]))
    assert (response.status_code, response.json()["code"]) == (403, "grant_suspended")


def test_the_kept_rows_are_bounded_in_memory(key_client, grant):
    assert key_client.get(url(grant, page_size=5)).status_code == 200
    one = readahead.pages.kept_bytes()
    assert one > 0
    with override_settings(DELIVERY_READ_AHEAD_BYTES=2 * one):
        for order in ("credit_code", "-credit_code", ""):  # three walks
            assert key_client.get(url(grant, page_size=5, order=order)).status_code == 200
        assert 0 < readahead.pages.kept_bytes() <= 2 * one
        assert len(readahead.pages._runs) <= 2
    with override_settings(DELIVERY_READ_AHEAD_BYTES=0):
        readahead.pages.clear()
        assert key_client.get(url(grant, page_size=5)).status_code == 200
        assert readahead.pages.kept_bytes() == 0 and not readahead.pages._runs


def test_rows_read_too_long_ago_are_read_again(key_client, grant):
    with override_settings(DELIVERY_READ_AHEAD_SECONDS=-1):  # every kept run is too old
        rows, reads = walk(key_client, grant, page_size=20)
    assert len(rows) == 101 and reads == 6  # a DuckDB read for each page
    assert readahead.pages.kept_bytes() == 0
    rows, reads = walk(key_client, grant, page_size=20)
    assert len(rows) == 101 and reads == 1
