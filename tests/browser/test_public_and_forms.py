"""The public home and the resource field table, in Chromium."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from apps.catalog import services
from apps.catalog.models import DataResource
from tests.browser.shots import shoot
from tests.browser.test_sign_in_journeys import sign_in
from tests.catalog.conftest import payload, register
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-public"))


def test_a_visitor_starts_at_the_public_home_and_searches(page, provider, regulator):
    register(services.resource_create(user=provider, data=payload()), provider, regulator)
    page.goto("/")
    assert page.url.rstrip("/").endswith(page.url.split("/")[2])  # no redirect to sign-in
    for link in ("#home-catalog", "#home-marketplace", "#home-disclosure", "#home-sign-in"):
        assert page.locator(link).is_visible()
    assert "1" in page.locator("#home-catalog").locator("..").locator("..").inner_text()
    page.fill("#q", "企业")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    count = page.locator("#result-count").inner_text()
    assert "1" in count and "结果" in count
    assert page.locator(".result h2").all_inner_texts() == ["企业登记信息"]
    page.goto("/")
    with page.expect_navigation():
        page.click("#home-sign-in")
    assert "/accounts/login/" in page.url


def _row_names(page) -> list[str]:
    return page.eval_on_selector_all(
        "#field-table tbody tr.field-row:not([hidden]) input[name$='-name']",
        "inputs => inputs.map(i => i.value)",
    )


def test_a_provider_adds_and_removes_field_rows_in_place(page, provider):
    sign_in(page, provider.username, PASSWORD)
    page.wait_for_url("**/portal/")
    page.goto("/portal/resources/new/")
    assert page.locator("#id_classification").input_value() == ""  # no default
    assert len(_row_names(page)) == 3
    for _ in range(2):
        page.click("#add-field-row")  # in place: no navigation
    assert len(_row_names(page)) == 5
    assert page.url.endswith("/portal/resources/new/")
    page.fill("#id_name", "水质监测")
    page.select_option("#id_update_frequency", "daily")
    page.select_option("#id_classification", "general")
    page.fill("#id_fields-0-name", "dropped")
    page.fill("#id_fields-3-name", "station")
    page.fill("#id_fields-4-name", "ph")
    page.select_option("#id_fields-4-data_type", "decimal")
    page.locator("#field-table tbody tr.field-row").first.locator("button.remove-row").click()
    assert _row_names(page) == ["", "", "station", "ph"]
    with page.expect_navigation():
        page.click("button.primary")
    resource = DataResource.objects.get(name="水质监测")
    fields = list(resource.fields.order_by("position").values_list("name", "data_type"))
    assert fields == [("station", "string"), ("ph", "decimal")]


def test_a_visitor_moves_between_the_public_pages_by_their_menu(page, live_server):
    """Not signed in: the catalog, the marketplace, the disclosure and the API docs are
    one menu on every public page, folded behind "Menu" on a phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(reverse("catalog:list"))
    with page.expect_navigation():
        page.click(f".main-nav a[href='{reverse('marketplace:list')}']")
    assert page.locator(".main-nav [aria-current='page']").inner_text() == "产品市场"
    with page.expect_navigation():
        page.click(f".main-nav a[href='{reverse('disclosure')}']")
    assert page.url.endswith(reverse("disclosure"))
    shoot(page, live_server, "public-disclosure", SHOTS)  # ends in English
    first_letter = "getComputedStyle(document.querySelector('th'), '::first-letter').textTransform"
    assert page.evaluate(first_letter) == "uppercase"  # "operator" reads "Operator"
    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.locator(".main-nav").is_visible()
    page.click("#menu-button")
    assert page.locator(f".main-nav a[href='{reverse('catalog:list')}']").is_visible()
