"""The console's audit log in Chromium on the demo data, in both languages at a desktop
width and a phone's: a refusal reads as a sentence with its code beside it; the filters
sit in a grid, folded under their heading on a phone unless one is in use; nothing is
wider than the window. Screenshots go to SHOTS_DIR (default /tmp/shots-audit)."""

import os
from pathlib import Path

import pytest

from tests.browser.demo import PHONE, sign_in_demo
from tests.browser.shots import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-audit"))
DESKTOP = {"width": 1280, "height": 900}


def panel_open(page) -> bool:
    return page.locator("#audit-filters").evaluate("panel => panel.open")


def test_the_audit_log_reads_on_a_phone_and_a_desktop(page, live_server, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in_demo(page, "merchant-a")
    page.goto("/console/")  # refused: one denial with a code in the log
    sign_in_demo(page, "regulator")
    page.goto("/console/audit/?outcome=denied")
    shoot(page, live_server, "audit-denied", SHOTS)
    # the page is English now (shoot ends there)
    reason = page.locator("#audit-events td.reason").first
    assert "Only regulators open the console." in reason.inner_text()
    assert reason.locator("code").inner_text() == "not_regulator"

    page.set_viewport_size(PHONE)
    page.goto("/console/audit/")
    assert not panel_open(page)  # folded: the events come first
    assert page.locator("#audit-filters #id_actor").is_hidden()
    page.click("#audit-filters summary")
    assert page.locator("#audit-filters #id_actor").is_visible()
    # two fields a row on a phone
    boxes = [
        page.locator(f"#audit-filters #id_{n}").bounding_box() for n in ("actor", "organization")
    ]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
    page.select_option("#id_outcome", "denied")
    with page.expect_navigation():
        page.click("#audit-filters button[type=submit]")
    assert panel_open(page)  # a filter in use stays in view, with its count
    assert page.locator("#filters-active").inner_text() == "1 in use"
    with page.expect_navigation():
        page.click("#clear-filters")
    assert "outcome" not in page.url and not panel_open(page)

    page.set_viewport_size(DESKTOP)
    page.goto("/console/audit/")
    assert panel_open(page)
    shoot(page, live_server, "audit", SHOTS)
    assert not page.csp_violations
