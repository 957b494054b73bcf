"""Filters that fold on a phone (static/js/filter-panel.js), on the demo data: the public
catalog and the marketplace put their results first on a 390 px screen, their facets a
tap away under "Filters" (open while one is chosen), and show them as a sidebar on a
desktop; the merchant's data browser folds its filters the same way while nothing is
asked. Nothing is wider than the window."""

import pytest

from apps.grants.models import Grant
from apps.products.choices import UseType
from tests.browser.demo import PHONE, overflow, sign_in_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def is_open(page, selector: str) -> bool:
    return page.locator(selector).evaluate("panel => panel.open")


@pytest.mark.parametrize(
    ("path", "panel"), [("/catalog/", "#catalog-facets"), ("/products/", "#marketplace-facets")]
)
def test_on_a_phone_the_results_come_before_the_facets(page, demo, path, panel):
    page.set_viewport_size(PHONE)
    page.goto(path)
    assert not is_open(page, panel)
    count = page.locator("#result-count").bounding_box()
    assert count["y"] < PHONE["height"], "the result count is below the first screen"
    facet = page.locator(f"{panel} .facet a").first
    assert not facet.is_visible()
    page.click(f"{panel} summary")
    with page.expect_navigation():
        facet.click()
    assert is_open(page, panel)  # a facet chosen: the facets stay in view
    assert page.locator(f"{panel} .facet a.active").count() == 1
    assert overflow(page) is None, overflow(page)

    page.set_viewport_size(DESKTOP)
    page.goto(path)
    assert is_open(page, panel) and page.locator(f"{panel} .facet a").first.is_visible()
    assert not page.locator(f"{panel} summary").is_visible()  # a sidebar, not a panel


def test_the_data_browser_folds_its_filters_on_a_phone_until_one_is_used(page, demo):
    grant = Grant.objects.filter(product__use_type=UseType.INDUSTRIAL).order_by("pk").first()
    sign_in_demo(page, "merchant-a")
    page.set_viewport_size(PHONE)
    page.goto(f"/portal/grants/{grant.pk}/data/")
    assert not is_open(page, "#browse-filters")
    assert page.locator("#records").is_visible()
    page.click("#browse-filters summary")
    page.select_option("#browse-size", "20")
    with page.expect_navigation():
        page.click("#browse-apply")
    assert is_open(page, "#browse-filters")
    assert page.locator("#records tbody tr").count() == 20
    assert overflow(page) is None, overflow(page)
