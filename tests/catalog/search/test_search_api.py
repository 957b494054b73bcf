"""GET /api/v1/catalog/search/: anonymous, signed-in, outsider; facets; query count."""

import pytest

from tests.catalog.search.factories import make_resource
from tests.conftest import api_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/catalog/search/"


@pytest.fixture
def resources(provider):
    make_resource(provider, "企业登记信息", name_en="Enterprise registration", themes=["ECON"])
    make_resource(provider, "道路交通流量", name_en="Road traffic flow", themes=["TRAN"])
    make_resource(provider, "企业年报草稿", status="draft")


def test_anonymous_visitors_search_registered_resources_only(api, resources):
    body = api.get(URL, {"q": "企业"}).json()
    assert [r["name"] for r in body["results"]] == ["企业登记信息"]
    assert body["facets"]["theme"][0]["value"] == "ECON"
    assert "search_terms" not in body["results"][0]


def test_english_query_and_filters(api, resources):
    assert [r["name"] for r in api.get(URL, {"q": "traffic"}).json()["results"]] == ["道路交通流量"]
    body = api.get(URL, {"theme": "ECON", "format": "table"}).json()
    assert [r["name"] for r in body["results"]] == ["企业登记信息"]


def test_outsider_does_not_see_another_providers_draft(outsider, resources):
    names = [r["name"] for r in api_for(outsider).get(URL, {"q": "企业"}).json()["results"]]
    assert names == ["企业登记信息"]


def test_provider_and_regulator_see_the_draft(provider, regulator, resources):
    for user in (provider, regulator):
        names = [r["name"] for r in api_for(user).get(URL, {"q": "企业"}).json()["results"]]
        assert names == ["企业年报草稿", "企业登记信息"]


def test_cursor_pages_through_the_results(api, provider):
    for i in range(5):
        make_resource(provider, f"交通{i}")
    first = api.get(URL, {"q": "交通", "page_size": 2}).json()
    second = api.get(first["next"]).json()
    assert [r["name"] for r in first["results"] + second["results"]] == [
        "交通4",
        "交通3",
        "交通2",
        "交通1",
    ]


def test_bad_parameters_get_a_json_error(api, resources):
    bad_cursor = api.get(URL, {"cursor": "!!!"})
    assert bad_cursor.status_code == 400 and bad_cursor.json()["code"] == "invalid_cursor"
    bad_choice = api.get(URL, {"classification": "secret"})
    assert bad_choice.status_code == 400 and "classification" in bad_choice.json()["details"]


def test_query_count_does_not_grow_with_page_size(api, provider, django_assert_max_num_queries):
    for i in range(30):
        make_resource(provider, f"企业{i}", themes=["ECON", "TRAN"])
    with django_assert_max_num_queries(6):
        small = api.get(URL, {"q": "企业", "page_size": 2})
    with django_assert_max_num_queries(6):
        large = api.get(URL, {"q": "企业", "page_size": 30})
    assert len(small.json()["results"]) == 2 and len(large.json()["results"]) == 30
