"""The usage chart, the statements and leak tracing in Chromium: the charts are drawn
(ECharts canvases, no CSP violation) and every page fits a 390 px phone and a desktop,
in Chinese and English. Screenshots go to SHOTS_DIR (default /tmp/shots-statements)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from apps.delivery.models import Statement, UsageDay
from apps.delivery.statements import statements_refresh_current
from tests.browser.shots import shoot
from tests.browser.test_grant_journeys import sign_in_as
from tests.delivery.billing import use
from tests.grants.web import granted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-statements"))
# The space between the cards of two headings (the second below the first).
CARD_GAP = """([a, b]) => document.querySelector(b).closest('.card').getBoundingClientRect().top
  - document.querySelector(a).closest('.card').getBoundingClientRect().bottom"""


def test_usage_statements_and_leak_pages_draw_and_fit(
    page, live_server, listed, merchant, operator_admin, regulator
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    grant = granted(listed, merchant, operator_admin)
    for back in range(1, 20, 3):
        UsageDay.objects.create(
            grant=grant, day=timezone.localdate() - timedelta(days=back), calls=back * 3, rows=back
        )
    use(grant, calls=40, rows_each=20)
    statements_refresh_current()
    statement = Statement.objects.get()

    sign_in_as(page, merchant)
    page.goto(f"/portal/grants/{grant.pk}/usage/")
    page.wait_for_selector("[data-usage=calls] canvas")
    assert page.locator(".chart.drawn canvas").count() == 2
    shoot(page, live_server, "merchant-usage", SHOTS)
    # the two chart cards, one above the other, do not touch
    gap = page.evaluate(CARD_GAP, ["#calls-title", "#rows-title"])
    assert gap >= 8, gap
    for name, path in (
        ("merchant-statements", "/portal/statements/"),
        ("merchant-statement", f"/portal/statements/{statement.pk}/"),
    ):
        page.goto(path)
        shoot(page, live_server, name, SHOTS)

    sign_in_as(page, operator_admin)
    page.goto("/portal/statements/")
    assert page.locator("#revenue").is_visible()
    shoot(page, live_server, "operator-statements", SHOTS)

    sign_in_as(page, regulator)
    for name, path in (
        ("console-statements", "/console/statements/"),
        ("console-leaks", "/console/leaks/"),
        ("console-usage", f"/console/grants/{grant.pk}/usage/"),
    ):
        page.goto(path)
        shoot(page, live_server, name, SHOTS)
