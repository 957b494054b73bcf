"""The data browser and the exports page at a desktop width and a phone's (390 px), in
Chinese and English: the tables scroll inside their cards, nothing is wider than the
screen, no CSP violation. Screenshots go to SHOTS_DIR (default /tmp/shots-exports)."""

import os

import pytest

from apps.delivery.exports import export_request
from tests.browser import test_grant_page_layout as layout
from tests.browser.shots import WIDTHS
from tests.browser.test_grant_journeys import sign_in_as
from tests.delivery.conftest import grant  # noqa: F401
from tests.delivery.exporting import draft_product, run_export  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_data_pages_fit_a_phone_and_a_desktop(page, live_server, grant, merchant, monkeypatch):  # noqa: F811
    monkeypatch.setattr(
        layout, "SHOTS", layout.Path(os.environ.get("SHOTS_DIR", "/tmp/shots-exports"))
    )
    layout.SHOTS.mkdir(parents=True, exist_ok=True)
    run_export(export_request(grant=grant, user=merchant, format="csv").pk)
    export_request(grant=grant, user=merchant, format="parquet")  # still waiting
    sign_in_as(page, merchant)
    too_many = ",".join(str(n) for n in range(101))
    for name, path in (
        ("grant-with-data-links", f"/portal/grants/{grant.pk}/"),
        ("data-browser", f"/portal/grants/{grant.pk}/data/?page_size=20&order=-credit_code"),
        (
            "data-browser-refused",
            f"/portal/grants/{grant.pk}/data/?filter[credit_code][in]={too_many}",
        ),
        ("exports", f"/portal/grants/{grant.pk}/exports/"),
    ):
        page.goto(path)
        layout.shoot(page, live_server, name, layout.SHOTS)
        if name == "data-browser":  # English now (the last shot): columns as the data names them
            assert page.locator("html").get_attribute("lang") == "en"
            assert set(page.eval_on_selector_all("#records thead th", FIRST_LETTER)) == {"none"}
            assert page.locator("#browse-order option[value='']").inner_text() == "Storage order"
        if name.startswith("data-browser"):  # the filters fit the card: no scroll in it
            for width, height in WIDTHS.values():
                page.set_viewport_size({"width": width, "height": height})
                assert page.evaluate(FILTERS_SCROLL) <= 1, (name, width)
        if name == "data-browser-refused":  # the refusal at the filter that caused it
            assert page.locator("#filter-error").inner_text().startswith("credit_code · ")
            assert page.locator("[aria-invalid=true]").count() == 1
            # above the rows too, its colon in the page's language (English: the last shot)
            assert ": " in page.locator("#browse-error").inner_text()
            page.context.add_cookies(
                [{"name": "pdp_language", "value": "zh-hans", "url": live_server.url}]
            )
            page.reload()
            shown = page.locator("#browse-error").inner_text()
            assert "：" in shown and ": " not in shown, shown
    assert page.csp_violations == []


# How each header's first letter is shown: "uppercase" for an English label ("Status"),
# "none" for a column named as the data names it (`credit_code`, never "Credit_code").
FIRST_LETTER = "ths => ths.map(th => getComputedStyle(th, '::first-letter').textTransform)"
FILTERS_SCROLL = "(e => e.scrollWidth - e.clientWidth)(document.querySelector('#browse-filters'))"
