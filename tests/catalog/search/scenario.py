"""A small catalog and query set answered identically by PostgreSQL and the SQLite fallback."""

from apps.accounts.choices import OrganizationKind
from apps.catalog.selectors import resource_facets, resource_search, resource_search_page
from tests.catalog.search.factories import make_resource
from tests.factories import member

QUERIES = ["企业", "企", "交通", "登记信", "空气质量", "火星", "traffic", "Air", "credit code", ""]


def build():
    provider = member(OrganizationKind.PROVIDER, username="scenario_provider")
    make_resource(
        provider,
        "企业登记信息",
        name_en="Enterprise registration",
        fields=[("credit_code", "统一社会信用代码")],
        themes=["ECON"],
    )
    make_resource(
        provider,
        "道路交通流量",
        name_en="Road Traffic Flow",
        themes=["TRAN"],
        description="主要路口车流量",
        update_frequency="realtime",
    )
    make_resource(
        provider,
        "空气质量监测",
        name_en="Air quality",
        classification="important",
        description="含企业排放口周边站点",
        themes=["ENVI"],
    )
    make_resource(provider, "企业年报草稿", status="draft")


def answers(user) -> dict:
    result = {}
    for q in QUERIES:
        queryset = resource_search(user=user, q=q)
        page, _cursor = resource_search_page(queryset=queryset, q=q, size=2)
        facets = resource_facets(queryset=queryset)
        result[q] = {
            "page": [r.name for r in page],
            "more": _cursor is not None,
            "facets": {
                k: sorted([e["value"], e["count"]] for e in v)
                for k, v in facets.items()
                if k != "provider"
            },
        }
    return result
