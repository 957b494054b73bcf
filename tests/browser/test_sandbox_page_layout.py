"""The sandbox page in Chromium at a desktop width and a phone's (390 px), in Chinese and
English: a query typed and sent by the form (no script), its groups, two refusals (a
comment; groups a few rows apart from the earlier query's) and the history; nothing wider
than the screen, no CSP violation. Screenshots go to SHOTS_DIR (default
/tmp/shots-sandbox) for a person to look at."""

import os
from pathlib import Path

import pytest

from tests.browser.test_grant_journeys import sign_in_as
from tests.delivery.sandbox import conftest as sandbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

draft_product = sandbox.draft_product
sandbox_grant = sandbox.sandbox_grant
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-sandbox"))
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
GROUPED = (
    "SELECT legal_rep, count(*) AS n, sum(reg_capital) AS total\nFROM grant_data GROUP BY legal_rep"
)

FIRST_LETTER = "ths => ths.map(th => getComputedStyle(th, '::first-letter').textTransform)"


def too_wide(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def history_overflow(page) -> int:
    """How much wider the query history is than its scrolling box."""
    return page.evaluate(
        "(box => box.scrollWidth - box.clientWidth)"
        "(document.querySelector('#sandbox-queries').parentElement)"
    )


def run(page, sql: str, name: str) -> None:
    """Types `sql`, sends the form, and shoots the answer as `name` (never wider than the
    window)."""
    page.fill("textarea[name=sql]", sql)
    with page.expect_navigation():
        page.click("#run-query")
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    assert too_wide(page) <= 1, f"{name} is {too_wide(page)}px too wide"


def test_the_sandbox_page_fits_a_phone_and_a_desktop_in_both_languages(
    page, live_server, sandbox_grant, merchant, operator_admin
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in_as(page, merchant)
    url = f"/portal/grants/{sandbox_grant.pk}/sandbox/"
    for language in ("zh-hans", "en"):
        page.context.add_cookies(
            [{"name": "pdp_language", "value": language, "url": live_server.url}]
        )
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(url)
            shown = f"{language}-{width_name}"
            run(page, GROUPED, f"sandbox-result-{shown}")
            assert page.locator("#sandbox-rows tbody tr").count() == 4
            # the query's own names head its columns, as typed in either language
            assert set(page.eval_on_selector_all("#sandbox-rows thead th", FIRST_LETTER)) == {
                "none"
            }, shown
            run(page, "SELECT * FROM grant_data -- all of it", f"sandbox-refusal-{shown}")
            assert page.locator("#sandbox-refusal code").inner_text() == "sql_comment"
            # The same groups less three rows each: refused group by group, its long
            # reason wrapped on a phone.
            narrower = GROUPED.replace("GROUP BY", "WHERE reg_capital >= 120 GROUP BY")
            run(page, narrower, f"sandbox-differencing-{shown}")
            assert page.locator("#sandbox-refusal code").inner_text() == "sql_differencing"
            assert history_overflow(page) <= 1, f"{shown}: the history scrolls sideways"
    sign_in_as(page, operator_admin)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    assert page.locator("#sandbox-queries tbody.query").count() == 12
    page.screenshot(path=SHOTS / "sandbox-operator-history-phone.png", full_page=True)
    assert too_wide(page) <= 1
    # The history is read on a phone without scrolling it sideways: a query's facts on a
    # row, its SQL and its reason across the next.
    assert history_overflow(page) <= 1, f"the history is {history_overflow(page)}px too wide"
    assert not page.csp_violations
