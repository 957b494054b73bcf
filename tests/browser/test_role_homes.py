"""Each role's home on the demo data, in Chinese and English, on a desktop and a 390 px
phone: the to-do tiles are there with their counts, a to-do leads to the list it
counts (filtered, showing those rows), and no page is wider than the window. Keeps one
desktop screenshot per role and the phone ones (tests/browser/demo.py: SCREENSHOT_DIR)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from apps.catalog.choices import RegistrationStatus
from apps.catalog.models import DataResource
from apps.grants.choices import ApplicationStatus
from tests.browser.demo import (
    DESKTOP,
    PHONE,
    overflow,
    screenshot,
    sign_in_demo,
    switch_language,
    to_security_review,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("zh-hans", "en")
OPEN = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.CHECKING,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.CHANGES_REQUESTED,
]


def todo_tiles(page) -> dict[str, tuple[int, str | None]]:
    """Every to-do tile: its key, count and link."""
    tiles = {}
    for tile in page.locator("#todos .todo").all():
        key = tile.get_attribute("id").removeprefix("todo-")
        assert tile.locator(".todo-label").inner_text().strip(), key
        count = tile.locator(".todo-count").inner_text()
        assert count.isdigit(), (key, count)
        link = tile.locator("a")
        tiles[key] = int(count), link.get_attribute("href") if link.count() else None
    return tiles


def walk_home(page, role: str, home: str, expected: set[str]) -> dict:
    """The home in both languages and both widths; returns the tiles (the last seen)."""
    tiles = {}
    for language in LANGUAGES:
        page.set_viewport_size(DESKTOP)
        page.goto(home)
        if page.locator("html").get_attribute("lang") != language:
            switch_language(page, language)
        for viewport, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
            page.set_viewport_size(viewport)
            page.goto(home)
            tiles = todo_tiles(page)
            assert expected <= set(tiles), (language, set(tiles))
            assert overflow(page) is None, (role, language, viewport, overflow(page))
            if suffix or language == "zh-hans":
                lang = "" if language == "zh-hans" and not suffix else f"-{language[:2]}"
                screenshot(page, f"home-{role}{suffix}{lang}")
    return tiles


def follow(page, tiles, key: str) -> int:
    """Clicks the to-do `key` from the home; returns its count. The list fits a phone."""
    count, href = tiles[key]
    assert href, key
    with page.expect_navigation():
        page.click(f"#todo-{key} a")
    assert page.url.endswith(href), (page.url, href)
    page.set_viewport_size(PHONE)
    assert overflow(page) is None, (page.url, overflow(page))
    return count


def rows(page, table: str = "table") -> list:
    return page.locator(f"{table} tbody tr").all()


def each_language(page, home: str):
    for language in LANGUAGES:
        page.set_viewport_size(DESKTOP)
        page.goto(home)
        if page.locator("html").get_attribute("lang") != language:
            switch_language(page, language)
        with translation.override(language):
            yield language


def test_the_merchant_home_leads_to_the_application_waiting_on_changes(page, demo):
    sign_in_demo(page, "merchant-b")
    tiles = walk_home(
        page, "merchant", "/portal/", {"changes_requested", "drafts", "in_progress", "suspended"}
    )
    assert page.locator("#home-applications tbody tr").count() == 1
    for _language in each_language(page, "/portal/"):
        count = follow(page, todo_tiles(page), "changes_requested")
        assert count == 1
        found = rows(page, "#applications")
        assert len(found) == count
        status = str(ApplicationStatus.CHANGES_REQUESTED.label)
        assert found[0].locator(".status").inner_text() == status
    assert tiles["changes_requested"][0] == 1


def test_the_merchant_home_statements_show_every_column_on_a_desktop(page, demo):
    # given merchant-a, whose demo grant has this month's statement
    sign_in_demo(page, "merchant-a")
    for _language in each_language(page, "/portal/"):
        page.set_viewport_size({"width": 1280, "height": 900})
        assert page.locator("#home-statements tbody tr").count() >= 1
        # then the half-width card holds its table: the status is not behind a scroll
        hidden = page.evaluate(
            "(e => e.scrollWidth - e.clientWidth)"
            "(document.querySelector('#home-statements .table-scroll'))"
        )
        assert hidden <= 1, (_language, hidden)


def test_the_operator_home_counts_the_applications_in_progress(page, demo):
    sign_in_demo(page, "operator")
    walk_home(page, "operator", "/portal/", {"my_reviews", "overdue_steps", "changes"})
    assert page.locator("#home-agreements li").count() >= 1
    for _language in each_language(page, "/portal/"):
        count = follow(page, todo_tiles(page), "changes")
        assert count >= 1
        listed = rows(page, "#applications")
        assert len(listed) == count
        assert all(
            any(row.locator(f".status-{status}").count() for status in OPEN) for row in listed
        )
    # each product count leads to the products in that status
    page.set_viewport_size(DESKTOP)
    page.goto("/portal/")
    tile = page.locator("#home-products a[href$='?status=listed']")
    count = int(tile.locator(".headline-value").inner_text())
    with page.expect_navigation():
        tile.click()
    assert count >= 1 and page.locator("#products tbody .status-listed").count() == count
    assert page.locator("#products tbody tr").count() == count


def test_the_provider_home_leads_to_the_registration_expiring_soon(page, demo):
    resource = DataResource.objects.filter(
        provider__code="market-regulation", status=RegistrationStatus.REGISTERED
    ).first()
    resource.expires_at = timezone.now() + timedelta(days=10)
    resource.save(update_fields=["expires_at"])
    sign_in_demo(page, "provider-market")
    walk_home(page, "provider", "/portal/", {"drafts", "in_review", "expiring", "uploads_failed"})
    assert page.locator(f"#expiring a[href='/portal/resources/{resource.pk}/']").count() == 1
    for _language in each_language(page, "/portal/"):
        assert follow(page, todo_tiles(page), "expiring") == 1
        listed = rows(page)
        assert listed and all(
            row.locator(f".status-{RegistrationStatus.REGISTERED}").count() for row in listed
        )
        expires_on = timezone.localtime(resource.expires_at).strftime("%Y-%m-%d")
        row = page.locator("table tbody tr", has_text=expires_on)
        assert row.count() == 1


def test_the_regulator_home_leads_to_the_review_waiting_for_the_regulator(page, demo):
    application = to_security_review()
    sign_in_demo(page, "regulator")
    tiles = walk_home(
        page, "regulator", "/console/", {"my_reviews", "registrations", "products", "reports_late"}
    )
    assert tiles["my_reviews"][0] == 1
    for _language in each_language(page, "/console/"):
        assert follow(page, todo_tiles(page), "my_reviews") == 1
        listed = rows(page, "#queue")
        assert len(listed) == 1
        assert listed[0].locator(f"a[href='/console/applications/{application.pk}/']").count()
