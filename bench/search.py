"""Catalog search scaling on PostgreSQL: 1,000 then 100,000 resources (not run in CI).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search python bench/search.py

Builds realistic resources from word lists (Chinese and English names, descriptions,
field labels, tags, themes; 90 % registered, the rest drafts), then runs a fixed mix of
Chinese (1 to 4 characters, hits and misses) and English queries plus filter-only
requests. One timed request = what the catalog page and the search API do:
resource_search + the first page of 20 (rows, providers, themes) + resource_facets, as
an anonymous visitor. Prints p50/p95 per size and p95(100k) / p95(1k).
Field rows are not inserted (search reads only search_terms); their words are indexed.
"""

import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_search")

CITIES = [
    ("杭州市", "Hangzhou"),
    ("宁波市", "Ningbo"),
    ("温州市", "Wenzhou"),
    ("嘉兴市", "Jiaxing"),
    ("湖州市", "Huzhou"),
    ("绍兴市", "Shaoxing"),
    ("金华市", "Jinhua"),
    ("衢州市", "Quzhou"),
    ("舟山市", "Zhoushan"),
    ("台州市", "Taizhou"),
    ("丽水市", "Lishui"),
    ("全省", "Provincial"),
]
TOPICS = [
    ("企业登记", "enterprise registration"),
    ("道路交通流量", "road traffic flow"),
    ("空气质量", "air quality"),
    ("医疗机构", "medical institutions"),
    ("水质监测", "water quality monitoring"),
    ("公共交通", "public transport"),
    ("社会保险", "social insurance"),
    ("不动产登记", "real estate registration"),
    ("学校名录", "school directory"),
    ("药品许可", "drug licences"),
    ("食品安全抽检", "food safety inspection"),
    ("气象观测", "weather observation"),
    ("用电量", "electricity consumption"),
    ("公积金缴存", "housing fund deposits"),
    ("行政处罚", "administrative penalties"),
    ("专利授权", "patent grants"),
    ("停车场", "parking lots"),
    ("养老服务机构", "elderly care institutions"),
    ("旅游景区", "tourist attractions"),
    ("农产品价格", "farm produce prices"),
    ("建筑施工许可", "construction permits"),
    ("税务登记", "tax registration"),
    ("人口户籍", "household registration"),
    ("公共充电桩", "public charging piles"),
]
SUFFIXES = [
    ("信息", "information"),
    ("数据", "data"),
    ("统计", "statistics"),
    ("台账", "ledger"),
    ("目录", "catalogue"),
    ("记录", "records"),
]
FIELDS = [
    ("credit_code", "统一社会信用代码"),
    ("name", "名称"),
    ("address", "地址"),
    ("legal_person", "法定代表人"),
    ("reg_date", "登记日期"),
    ("station_id", "站点编号"),
    ("pm25", "细颗粒物浓度"),
    ("aqi", "空气质量指数"),
    ("flow", "车流量"),
    ("speed", "平均车速"),
    ("road", "道路名称"),
    ("bed_count", "床位数"),
    ("level", "等级"),
    ("phone", "联系电话"),
    ("id_number", "身份证号码"),
    ("amount", "金额"),
    ("district", "行政区划"),
    ("lng", "经度"),
    ("lat", "纬度"),
    ("updated", "更新时间"),
    ("category", "类别"),
    ("status", "状态"),
]
PHRASES = [
    "按日汇总",
    "覆盖全市范围",
    "由业务系统自动采集",
    "经人工核验后发布",
    "含历史记录",
    "包含个人信息字段",
    "用于城市治理分析",
    "支持按区县统计",
    "数据质量良好",
    "定期更新",
]
THEMES = [
    "AGRI",
    "ECON",
    "EDUC",
    "ENER",
    "ENVI",
    "GOVE",
    "HEAL",
    "INTR",
    "JUST",
    "REGI",
    "SOCI",
    "TECH",
    "TRAN",
]
QUERIES = [
    "企",
    "水",
    "鑫",  # one character: hits, miss
    "企业",
    "交通",
    "医疗",
    "信息",
    "火星",  # two
    "空气质",
    "登记信",
    "龙卷风",  # three
    "空气质量",
    "企业登记",
    "量子纠缠",  # four
    "traffic",
    "air quality",
    "hospital",
    "enterprise registration",
    "blockchain",
    "杭州 交通",
    "",  # mixed and empty
]
FILTERED = [
    ("", {"theme": "TRAN"}),
    ("企业", {"classification": "important"}),
    ("", {"update_frequency": "daily", "open_type": "conditional"}),
]
RUNS = 5

REGISTRY_CODES = itertools.count(1)


def setup_django():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname='bench_search'").fetchone():
            c.execute("CREATE DATABASE bench_search")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def grow_to(total: int, rng: random.Random):
    from apps.accounts.choices import OrganizationKind
    from apps.accounts.models import Organization, User
    from apps.catalog.models import DataResource
    from apps.catalog.search import build_search_terms

    providers = list(Organization.objects.filter(kind=OrganizationKind.PROVIDER))
    if not providers:
        providers = Organization.objects.bulk_create(
            Organization(
                name=f"{city}{dept}",
                name_en=f"{en} bureau {i}",
                code=f"bench-{i}",
                kind=OrganizationKind.PROVIDER,
            )
            for i, ((city, en), dept) in enumerate(
                (c, d) for c in CITIES for d in ["市场监管局", "交通运输局", "生态环境局", "卫健委"]
            )
        )
    user, _ = User.objects.get_or_create(username="bench")
    through = DataResource.themes.through
    have = DataResource.objects.count()
    while have < total:
        batch = []
        for _ in range(min(5000, total - have)):
            (city, city_en), (topic, topic_en), (suffix, suffix_en) = (
                rng.choice(CITIES),
                rng.choice(TOPICS),
                rng.choice(SUFFIXES),
            )
            fields = rng.sample(FIELDS, rng.randint(4, 10))
            description = f"{city}{topic}{suffix}，" + "，".join(rng.sample(PHRASES, 3)) + "。"
            description_en = f"{topic_en.capitalize()} {suffix_en} of {city_en}."
            tags = [topic[:2], suffix]
            resource = DataResource(
                provider=rng.choice(providers),
                created_by=user,
                name=f"{city}{topic}{suffix}",
                name_en=f"{city_en} {topic_en} {suffix_en}",
                description=description,
                description_en=description_en,
                tags=tags,
                classification=rng.choice(["general"] * 6 + ["important", "core"]),
                open_type=rng.choice(["unconditional", "conditional", "conditional", "prohibited"]),
                update_frequency=rng.choice(
                    ["realtime", "daily", "monthly", "yearly", "irregular"]
                ),
                data_format=rng.choice(["table", "csv", "api"]),
                status="registered" if rng.random() < 0.9 else "draft",
            )
            if resource.status == "registered":
                # Anonymous visitors see what holds a registry entry.
                resource.registry_code = f"BENCH-{next(REGISTRY_CODES):08d}"
            resource.bench_themes = rng.sample(THEMES, rng.randint(1, 2))
            resource.search_terms = build_search_terms(
                [resource.name, resource.name_en],
                [
                    *tags,
                    *resource.bench_themes,
                    description,
                    description_en,
                    *(f"{n} {label}" for n, label in fields),
                ],
            )
            batch.append(resource)
        created = DataResource.objects.bulk_create(batch)
        through.objects.bulk_create(
            through(dataresource_id=r.pk, theme_id=code) for r in created for code in r.bench_themes
        )
        have += len(created)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalog_dataresource")
        cursor.execute("VACUUM ANALYZE catalog_dataresource_themes")


def one_request(q: str, filters: dict):
    from django.contrib.auth.models import AnonymousUser

    from apps.catalog.selectors import resource_facets, resource_search, resource_search_page

    queryset = resource_search(user=AnonymousUser(), q=q, filters=filters)
    page, _cursor = resource_search_page(queryset=queryset, q=q, size=20)
    names = [(r.name, r.provider.name, [t.code for t in r.themes.all()]) for r in page]
    facets = resource_facets(queryset=queryset)
    return len(names), sum(e["count"] for e in facets["format"])


def measure(size: int) -> list[float]:
    samples, hits = [], {}
    mix = [(q, {}) for q in QUERIES] + FILTERED
    for q, filters in mix:
        one_request(q, filters)  # warm-up
        for _ in range(RUNS):
            start = time.perf_counter()
            hits[(q, str(filters))] = one_request(q, filters)
            samples.append((time.perf_counter() - start) * 1000)
    slowest = sorted(
        ((max(samples[i * RUNS : (i + 1) * RUNS]), mix[i]) for i in range(len(mix))), reverse=True
    )[:3]
    print(
        f"  {size:>7,} resources: {len(samples)} requests, "
        f"p50 {statistics.median(samples):.1f} ms, p95 {p95(samples):.1f} ms"
    )
    print(
        "           slowest: "
        + "; ".join(
            f"{q or '(empty)'} {f or ''} {ms:.1f} ms ({hits[(q, str(f))][1]} matches)"
            for ms, (q, f) in slowest
        )
    )
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def main():
    setup_django()
    from apps.catalog.models import DataResource

    rng = random.Random(20240601)
    if DataResource.objects.count() > 1000:  # start over: the first size must be 1,000
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE catalog_dataresource CASCADE")
    print("catalog search benchmark (resource_search + first page of 20 + facets, anonymous)")
    results = {}
    for size in (1_000, 100_000):
        started = time.perf_counter()
        grow_to(size, rng)
        print(f"  built {size:,} resources in {time.perf_counter() - started:.0f} s")
        results[size] = measure(size)
    ratio = p95(results[100_000]) / p95(results[1_000])
    print(f"  p95(100k) / p95(1k) = {ratio:.2f}  (target ≤ 3 and p95(100k) < 50 ms)")


if __name__ == "__main__":
    main()
