"""The real `ckanapi` client reads the catalog over HTTP, as CKAN tooling would."""

import ckanapi
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def remote(live_server, catalog):
    with ckanapi.RemoteCKAN(live_server.url) as ckan:
        yield ckan


def test_ckanapi_lists_shows_and_searches(remote, catalog):
    assert remote.action.package_list() == ["gx-2025-0001", "gx-2025-0002", "gx-2025-0003"]
    package = remote.action.package_show(id="gx-2025-0002")
    assert package["title"] == "道路交通流量"
    assert package["organization"]["name"] == catalog["provider_org"].code
    result = remote.action.package_search(
        q="road", fq="res_format:API", rows=5, start=0, facet_field=["organization", "tags"]
    )
    assert result["count"] == 1
    assert result["results"][0]["name"] == "gx-2025-0002"
    assert result["facets"]["tags"] == {"traffic": 1, "交通": 1}
    assert result["search_facets"]["organization"]["items"][0]["count"] == 1


def test_ckanapi_reads_organizations(remote, catalog):
    names = remote.action.organization_list()
    assert catalog["provider_org"].code in names
    assert catalog["drafter_org"].code not in names
    org = remote.action.organization_show(id=catalog["provider_org"].code, include_datasets=True)
    assert org["package_count"] == 2
    assert {p["name"] for p in org["packages"]} == {"gx-2025-0001", "gx-2025-0002"}


def test_ckanapi_raises_its_own_exceptions_for_our_errors(remote, catalog):
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id=str(catalog["draft"].pk))
    with pytest.raises(ckanapi.ValidationError) as raised:
        remote.action.package_search(rows="many")
    assert "rows" in raised.value.error_dict
    with pytest.raises(ckanapi.SearchQueryError):
        remote.action.package_search(fq="no_such_field:1")


def test_ckanapi_get_only_mode(live_server, catalog):
    with ckanapi.RemoteCKAN(live_server.url, get_only=True) as ckan:
        result = ckan.action.package_search(q="GX-2025", rows=2, sort="name desc")
    assert result["count"] == 3
    assert [p["name"] for p in result["results"]] == ["gx-2025-0003", "gx-2025-0002"]
