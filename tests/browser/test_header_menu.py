"""The header's main navigation for each demo role: at 1366 px it keeps to one line beside
the brand in both languages (the tools on that line or right below it), a menu opens and
its link is followed, and on a 390 px phone the menu button shows the menus and links."""

import pytest

from tests.browser.demo import DESKTOP, PHONE, overflow, screenshot, sign_in_demo, switch_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# a link of each role that sits in a menu, not at the top level
ROLES = {
    "regulator": "/console/audit/",
    "operator": "/portal/agreements/",
    "provider-market": "/portal/grants/",
    "merchant-a": "/portal/applications/",
}

# The boxes of the header: the brand, each top-level entry of the navigation, the tools.
BOXES = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; };
  return {
    brand: box(document.querySelector(".brand")),
    nav: Array.from(document.querySelectorAll(".main-nav > ul > li"), box),
    tools: box(document.querySelector(".tools")),
    toolItems: Array.from(document.querySelector(".tools").children, box),
  };
}"""


def one_row(boxes: list[list[float]]) -> bool:
    """The boxes share a line: each starts above the point where the first of them ends."""
    return max(top for top, _ in boxes) < min(bottom for _, bottom in boxes)


def menu_of(page, href: str):
    return page.locator(".main-nav details", has=page.locator(f"a[href='{href}']"))


@pytest.mark.parametrize("username", ROLES)
def test_the_header_menu_keeps_to_one_line_and_its_menus_open(page, demo, username):
    target = ROLES[username]
    page.set_viewport_size(DESKTOP)
    sign_in_demo(page, username)
    for language in ("zh-hans", "en"):
        switch_language(page, language)
        boxes = page.evaluate(BOXES)
        assert len(boxes["nav"]) <= 7, boxes["nav"]
        assert one_row(boxes["nav"] + [boxes["brand"]]), (language, boxes)
        assert one_row(boxes["toolItems"]), (language, boxes)
        # the tools share the navigation's line, or take the one right below it
        assert boxes["tools"][0] - boxes["nav"][0][1] < 20, (language, boxes)
        assert overflow(page) is None
        screenshot(page, f"header-{username}-{language}-desktop", full_page=False)

        # a menu opens as a panel over the page; Escape closes it, the link is followed
        menu = menu_of(page, target)
        link = menu.locator(f"a[href='{target}']")
        assert not link.is_visible()
        menu.locator("summary").click()
        assert link.is_visible()
        assert overflow(page) is None
        screenshot(page, f"header-{username}-{language}-desktop-open", full_page=False)
        page.keyboard.press("Escape")
        assert not link.is_visible()
        menu.locator("summary").click()
        with page.expect_navigation():
            link.click()
        assert page.url.endswith(target)
        # the page's link is current, and so is its menu (one of each)
        assert page.locator(".main-nav [aria-current='page']").count() == 1
        assert menu_of(page, target).get_attribute("class") == "current"
        assert page.locator(".main-nav details.current").count() == 1

    # on a phone the menus and their links are behind the menu button
    page.set_viewport_size(PHONE)
    for language in ("en", "zh-hans"):
        if not page.locator("#language").is_visible():
            page.click("#menu-button")
        switch_language(page, language)
        summaries = page.locator(".main-nav summary")
        assert not summaries.first.is_visible()
        page.click("#menu-button")
        assert all(summary.is_visible() for summary in summaries.all())
        assert page.locator(".main-nav > ul > li > a").first.is_visible()
        menu = menu_of(page, "/portal/api-keys/")
        menu.locator("summary").click()
        assert all(link.is_visible() for link in menu.locator("a").all())
        assert overflow(page) is None
        screenshot(page, f"header-{username}-{language}-phone", full_page=False)
    with page.expect_navigation():
        menu.locator("a[href='/portal/api-keys/']").click()
    assert page.url.endswith("/portal/api-keys/")


def test_before_the_second_factor_the_header_offers_only_the_public_pages(page, demo):
    """A regulator signed in with the password alone is sent back to the second factor by
    every other page: the header shows no console menu, notifications or password change
    that would lead there, only the public pages and Sign out; after the code, the console."""
    from django.conf import settings

    from apps.accounts.models import User
    from tests.browser.test_sign_in_journeys import sign_in
    from tests.conftest import current_totp

    page.set_viewport_size(DESKTOP)
    sign_in(page, "regulator", settings.DEMO_PASSWORD)
    page.wait_for_url("**/accounts/otp/**")
    links = page.locator(".main-nav a").evaluate_all("links => links.map(a => a.pathname)")
    assert links and set(links) <= {"/catalog/", "/products/", "/disclosure/", "/api/docs/"}
    assert not page.locator(".main-nav details").count()
    assert not page.locator(".notifications-link").count()
    assert not page.locator("header a[href='/accounts/password/change/']").count()
    assert page.locator("header form[action='/accounts/logout/'] button").is_visible()
    screenshot(page, "header-second-factor-pending", full_page=False)
    page.fill("#id_token", current_totp(User.objects.get(username="regulator")))
    page.click("button.primary")
    page.wait_for_url("**/console/")
    assert page.locator(".main-nav a[href='/console/audit/']").count() == 1
    assert page.locator(".notifications-link").is_visible()
