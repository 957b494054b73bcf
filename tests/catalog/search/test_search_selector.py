"""resource_search / resource_search_page / resource_facets on PostgreSQL."""

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.catalog.selectors import resource_facets, resource_search, resource_search_page
from tests.catalog.search.factories import make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(provider):
    return {
        "enterprise": make_resource(
            provider,
            "企业登记信息",
            name_en="Enterprise registration",
            fields=[("credit_code", "统一社会信用代码"), ("reg_date", "成立日期")],
            themes=["ECON"],
            classification="general",
            open_type="conditional",
        ),
        "traffic": make_resource(
            provider,
            "道路交通流量",
            name_en="Road Traffic Flow",
            description="主要路口每小时车流量",
            themes=["TRAN"],
            open_type="unconditional",
            update_frequency="realtime",
        ),
        "air": make_resource(
            provider,
            "空气质量监测",
            name_en="Air quality",
            description="监测站点数据，含企业排放口周边站点",
            fields=[("aqi", "空气质量指数")],
            themes=["ENVI"],
            classification="important",
        ),
    }


def names(user, q="", filters=None):
    page, _next = resource_search_page(
        queryset=resource_search(user=user, q=q, filters=filters), q=q
    )
    return [r.name for r in page]


def test_enterprise_finds_enterprise_registration_above_a_description_match(catalog):
    assert names(AnonymousUser(), "企业") == ["企业登记信息", "空气质量监测"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("企", ["企业登记信息", "空气质量监测"]),
        ("交通", ["道路交通流量"]),
        ("登记信", ["企业登记信息"]),
        ("空气质量", ["空气质量监测"]),
        ("质量指数", ["空气质量监测"]),
        ("火星", []),
        ("鑫", []),
    ],
)
def test_one_to_four_character_chinese_queries(catalog, query, expected):
    assert names(AnonymousUser(), query) == expected


def test_english_queries_ignore_case_and_plurals(catalog):
    assert names(AnonymousUser(), "traffic") == ["道路交通流量"]
    assert names(AnonymousUser(), "ROAD traffics") == ["道路交通流量"]
    assert names(AnonymousUser(), "credit code") == ["企业登记信息"]


def test_field_labels_and_themes_are_searchable(catalog):
    assert names(AnonymousUser(), "信用代码") == ["企业登记信息"]
    assert names(AnonymousUser(), "生态环境") == ["空气质量监测"]


def test_without_a_query_newest_come_first(catalog):
    assert names(AnonymousUser()) == ["空气质量监测", "道路交通流量", "企业登记信息"]


def test_filters_combine_with_the_query(catalog):
    assert names(AnonymousUser(), "企业", {"classification": "important"}) == ["空气质量监测"]
    assert names(AnonymousUser(), "", {"theme": "TRAN"}) == ["道路交通流量"]
    assert names(AnonymousUser(), "", {"update_frequency": "realtime"}) == ["道路交通流量"]
    assert names(AnonymousUser(), "", {"format": "api"}) == []


def test_facets_count_the_result_set(catalog, provider):
    facets = resource_facets(queryset=resource_search(user=AnonymousUser(), q="企业"))
    assert facets["provider"] == [
        {"value": str(provider.organization_id), "label": provider.organization.name, "count": 2}
    ]
    assert {e["value"]: e["count"] for e in facets["classification"]} == {
        "general": 1,
        "important": 1,
    }
    assert {e["value"] for e in facets["theme"]} == {"ECON", "ENVI"}
    assert [(e["value"], e["count"]) for e in facets["format"]] == [("table", 2)]
    assert set(facets) == {
        "provider",
        "theme",
        "classification",
        "open_type",
        "format",
        "update_frequency",
    }


def test_facets_of_an_empty_result_are_empty(catalog):
    facets = resource_facets(queryset=resource_search(user=AnonymousUser(), q="火星"))
    assert all(entries == [] for entries in facets.values())


def test_pages_follow_the_relevance_tiers_without_gaps_or_repeats(provider):
    for i in range(5):
        make_resource(provider, f"企业名录{i}")
        make_resource(provider, f"名录{i}", description="企业")
    queryset = resource_search(user=AnonymousUser(), q="企业")
    seen, cursor = [], None
    while True:
        page, cursor = resource_search_page(queryset=queryset, q="企业", cursor=cursor, size=3)
        seen += [r.name for r in page]
        if cursor is None:
            break
    assert seen == [f"企业名录{i}" for i in reversed(range(5))] + [
        f"名录{i}" for i in reversed(range(5))
    ]


def test_drafts_are_seen_only_by_their_provider_and_regulators(provider, regulator, outsider):
    make_resource(provider, "企业草稿", status="draft")
    for user, expected in [
        (AnonymousUser(), []),
        (outsider, []),
        (provider, ["企业草稿"]),
        (regulator, ["企业草稿"]),
    ]:
        assert names(user, "企业") == expected
        assert sum(
            e["count"]
            for e in resource_facets(queryset=resource_search(user=user, q="企业"))["provider"]
        ) == len(expected)


def test_facets_past_the_limit_are_counted_over_a_sample_and_say_so(catalog):
    queryset = resource_search(user=AnonymousUser())
    sampled = resource_facets(queryset=queryset, limit=2)
    assert sampled.exact is False
    assert sum(e["count"] for e in sampled["format"]) == 3  # limit + 1 rows are read
    assert resource_facets(queryset=queryset, limit=3).exact is True
