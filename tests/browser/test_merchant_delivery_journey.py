"""Issue 11's journey in Chromium on the seed_demo data: the demo merchant (merchant-a)
signs in, opens its grant of the industrial product, browses records (a filter, the next
page), runs a refused and an accepted sandbox query, then requests a CSV export that a
real celery worker writes, watches its progress end and downloads the file: the header
is there and the personal fields are masked."""

import csv
import io
import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.catalog import demo_data
from apps.delivery.choices import ExportStatus
from apps.delivery.models import Export, SandboxQuery
from apps.delivery.quotas import counters
from apps.grants.models import Grant
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "var/test-artifacts/screenshots"))

REFUSED_SQL = "SELECT company_name, legal_rep, phone FROM grant_data"
ACCEPTED_SQL = (
    "SELECT extract(year FROM established) AS founded, count(*) AS n,\n"
    "  round(avg(reg_capital), 2) AS capital\n"
    "FROM grant_data GROUP BY founded ORDER BY founded"
)


@pytest.fixture
def demo_grant(tmp_path, settings):
    counters().clear()  # the rate and quota counters live in this run's Redis database
    settings.OPERATORS_FILES_DIR = tmp_path / "operators"
    call_command("seed_demo", force=True, stdout=StringIO())
    return Grant.objects.get(merchant__code="merchant-a", product__use_type="industrial")


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"merchant-{name}.png"), full_page=True)


def column(page, name: str) -> list[str]:
    headers = page.locator("#records thead th").all_inner_texts()
    index = headers.index(name) + 1
    return page.locator(f"#records tbody tr td:nth-child({index})").all_inner_texts()


def browse(page, grant) -> None:
    page.click("#browse-data")
    page.wait_for_url(f"**/portal/grants/{grant.pk}/data/")
    assert page.locator("#records tbody tr").count() > 20, page.locator("#browse-rows").inner_text()
    shot(page, "data-browser-first")
    page.fill("input[name='low[established]']", "2010-01-01")
    page.select_option("#browse-size", "20")
    page.click("#browse-apply")
    page.wait_for_url("**low%5Bestablished%5D=2010-01-01**")
    first = column(page, "established")
    assert len(first) == 20 and all(day >= "2010-01-01" for day in first), first
    # masked in the browser as in the API: no full mobile number is shown
    assert all("****" in phone for phone in column(page, "phone"))
    shot(page, "data-browser")
    page.click("#next-page")
    page.wait_for_url("**cursor=**")
    second = column(page, "established")
    assert len(second) == 20 and all(day >= "2010-01-01" for day in second), second
    assert page.locator("input[name='low[established]']").input_value() == "2010-01-01"
    assert set(column(page, "credit_code")).isdisjoint(set(first))


def query(page, sql: str) -> None:
    page.fill("#sandbox-editor textarea[name='sql']", sql)
    page.click("#run-query")
    page.wait_for_load_state()


def sandbox(page, grant) -> None:
    page.goto(f"/portal/grants/{grant.pk}/")
    page.click("#grant-data #open-sandbox")  # beside the data browser and the exports
    page.wait_for_url(f"**/portal/grants/{grant.pk}/sandbox/")
    assert "legal_rep" in page.locator("#sandbox-columns").inner_text()
    query(page, REFUSED_SQL)
    refusal = page.locator("#sandbox-refusal")
    assert "结果只能以分组形式（GROUP BY）输出" in refusal.inner_text()  # the reason, in Chinese
    assert "sql_not_aggregated" in refusal.inner_text()
    assert not page.locator("#sandbox-result").count()
    shot(page, "sandbox-refused")
    query(page, ACCEPTED_SQL)
    refused = page.locator("#sandbox-refusal")
    assert not refused.count(), refused.inner_text()
    rows = page.locator("#sandbox-rows tbody tr")
    assert rows.count() >= 10
    assert page.locator("#sandbox-rows thead th").all_inner_texts() == ["founded", "n", "capital"]
    counts = [int(n) for n in page.locator("#sandbox-rows tbody td:nth-child(2)").all_inner_texts()]
    assert min(counts) >= settings.SANDBOX_K
    # the history has both, newest first, the refusal in Chinese
    history = page.locator("#sandbox-queries tbody.query")  # a query: its facts, then its SQL
    assert history.count() == 2 and "结果只能以分组形式输出" in history.nth(1).inner_text()
    decisions = list(SandboxQuery.objects.filter(grant=grant).values_list("decision", flat=True))
    assert sorted(decisions) == ["accepted", "refused"], decisions
    shot(page, "sandbox-accepted")
    # the examples offer a grouping by year, and it passes the checks too
    page.click("details.sandbox-examples summary")  # closed while a result is shown
    page.locator("#sandbox-examples a").last.click()
    assert "extract(year FROM" in page.locator("textarea[name='sql']").input_value()
    page.click("#run-query")
    page.wait_for_load_state()
    assert page.locator("#sandbox-rows tbody tr").count() >= 10


def export(page, grant) -> str:
    page.goto(f"/portal/grants/{grant.pk}/")
    page.click("#grant-exports")
    page.wait_for_url(f"**/portal/grants/{grant.pk}/exports/")
    page.select_option("#id_format", "csv")
    page.click("#request-export")
    page.wait_for_url(f"**/portal/grants/{grant.pk}/exports/")
    export = Export.objects.get(grant=grant)
    row = page.locator(f"#export-{export.pk}")
    assert row.is_visible()
    shot(page, "exports-requested")
    # the page refreshes itself while the export runs; the worker finishes it
    download_link = row.locator("a.download-export")
    download_link.wait_for(timeout=60_000)
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED and export.rows == demo_rows()
    assert "100%" in row.inner_text()
    assert not page.locator("meta[http-equiv='refresh']").count()
    shot(page, "exports")
    # on a phone the table scrolls sideways; the row's Download stays in sight
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    box = download_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    shot(page, "exports-phone")
    page.set_viewport_size(desktop)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    return Path(download.path()).read_text(encoding="utf-8")


def demo_rows() -> int:
    from apps.catalog.demo import DEMO_ROWS

    return DEMO_ROWS


def test_the_demo_merchant_browses_queries_and_exports_its_grant(
    page, demo_grant, celery_worker_process
):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "merchant-a", settings.DEMO_PASSWORD)
    page.wait_for_url("**/portal/")
    # the portal home lists the grant; its page links to the data, exports and sandbox
    page.click(f"a[href='/portal/grants/{demo_grant.pk}/']")
    page.wait_for_url(f"**/portal/grants/{demo_grant.pk}/")
    shot(page, "grant")
    browse(page, demo_grant)
    sandbox(page, demo_grant)
    text = export(page, demo_grant)

    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == demo_rows()
    assert {"credit_code", "company_name", "legal_rep", "phone", "address"} <= set(table[0])
    raw = list(demo_data.enterprise_rows(demo_rows()))
    # personal fields are masked: no real mobile, name or address is in the file
    mobiles = {r["phone"] for r in raw}
    assert all(re.fullmatch(r"1\d\d\*{4}\d{4}", r["phone"]) for r in table), table[0]
    assert not mobiles & {r["phone"] for r in table}
    assert all("*" in r["legal_rep"] for r in table), table[0]
    assert not {r["address"] for r in raw} & {r["address"] for r in table}
    # the pages fit a phone: wide tables scroll inside their card
    page.set_viewport_size({"width": 390, "height": 844})
    for name, path in (("data", "data/?page_size=20"), ("sandbox", "sandbox/")):
        page.goto(f"/portal/grants/{demo_grant.pk}/{path}")
        width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], (name, width)
        shot(page, f"{name}-phone")
    # unmasked fields are the real ones (the watermark adds a trailing space to some)
    assert {r["credit_code"].rstrip(" ") for r in table} == {r["credit_code"] for r in raw}
