"""The regulator's dashboard in Chromium: the charts are drawn (ECharts canvases, no CSP
violation) for the demo regulator, and the console home fits a 390 px phone."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.accounts.models import User
from tests.browser.demo import SCREENSHOTS
from tests.browser.test_sign_in_journeys import sign_in
from tests.conftest import current_totp
from tests.factories import totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed_regulator(tmp_path, settings):
    settings.OPERATORS_FILES_DIR = tmp_path / "operators"
    call_command("seed_demo", force=True, stdout=StringIO())
    user = User.objects.get(username="regulator")
    totp_device(user)
    return user


def open_console(page, user) -> None:
    sign_in(page, user.username, settings.DEMO_PASSWORD)
    page.fill("#id_token", current_totp(user))
    page.click("button.primary")
    page.wait_for_url("**/console/")


def test_the_demo_regulator_sees_the_dashboard_charts(page, seed_regulator):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_console(page, seed_regulator)
    # every figure with a chart gets a canvas drawn by ECharts
    page.wait_for_selector("#figure-resources .chart canvas")
    charts = page.locator(".chart.drawn canvas").count()
    assert charts >= 6, charts
    # the numbers are still in the tables, and the demo's registered resources are counted
    assert page.locator("#figure-resources table").is_visible()
    assert page.locator("#todos .todo").count() >= 6
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-regulator.png"), full_page=True)
    # the review steps' four figures are all in view on a desktop, in either language
    # (none hidden behind the card's scroll)
    for language in ("en", "zh-hans"):
        page.context.add_cookies([{"name": "pdp_language", "value": language, "url": page.url}])
        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        hidden = page.evaluate(HIDDEN_COLUMNS, "#figure-decision_times .table-scroll")
        assert hidden <= 1, (language, hidden)


HIDDEN_COLUMNS = "s => (e => e.scrollWidth - e.clientWidth)(document.querySelector(s))"


def test_the_console_home_fits_a_phone(page, seed_regulator):
    page.set_viewport_size({"width": 390, "height": 844})
    open_console(page, seed_regulator)
    page.wait_for_selector("#figure-resources .chart canvas")
    fits = page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert fits, width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-regulator-phone.png"), full_page=True)
