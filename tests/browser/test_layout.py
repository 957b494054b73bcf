"""Layout on a phone (390 px) and a laptop (1366 px): no page of the public site, the
portal or the console is wider than the window, walking each seed_demo persona's menu."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.accounts.models import Organization, User
from apps.catalog.models import DataResource
from apps.grants.models import AccessApplication, Grant
from apps.operators.models import AuthorizationAgreement
from apps.products.models import DataProduct
from tests.browser.shots import BROKEN_TABLES
from tests.browser.test_sign_in_journeys import sign_in
from tests.conftest import current_totp
from tests.factories import PASSWORD, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
# Tables whose white box runs on past their last column (a table shown as a block to
# scroll, narrower than the page): [id, box width, row width].
SHORT_ROWS = """() => Array.from(document.querySelectorAll('main table')).map(t => {
  const row = t.querySelector('tr');
  if (!row || t.scrollWidth > t.clientWidth + 1) return null;
  const box = t.getBoundingClientRect().width, rows = row.getBoundingClientRect().width;
  return box - rows > 2 ? [t.id, Math.round(box), Math.round(rows)] : null;
}).filter(Boolean)"""


@pytest.fixture
def demo(db):
    call_command("seed_demo", password=PASSWORD, force=True, stdout=StringIO())
    totp_device(User.objects.get(username="regulator"))


def _sign_in(page, username: str) -> None:
    sign_in(page, username, PASSWORD)
    if username == "regulator":
        page.wait_for_url("**/accounts/otp/**")
        page.fill("#id_token", current_totp(User.objects.get(username=username)))
        page.click("button.primary")
    page.wait_for_url(lambda url: "/accounts/" not in url)


def _menu(page) -> list[str]:
    return page.eval_on_selector_all("nav[aria-label] a", "links => links.map(a => a.href)")


def _overflowing(page, urls) -> list[str]:
    wide = []
    for url in dict.fromkeys(urls):
        response = page.goto(url)
        assert response.status == 200, url
        if not page.evaluate(OVERFLOW):
            wide.append(f"{url}: {page.evaluate('document.documentElement.scrollWidth')}px")
        if broken := page.evaluate(BROKEN_TABLES):
            wide.append(f"{url}: tables taken apart {broken}")
        if short := page.evaluate(SHORT_ROWS):
            wide.append(f"{url}: rows narrower than their table {short}")
    return wide


def _details() -> dict[str, list[str]]:
    resource = DataResource.objects.public().order_by("pk").first()
    product = DataProduct.objects.order_by("pk").first()
    agreement = AuthorizationAgreement.objects.order_by("pk").first()
    grant, application = Grant.objects.order_by("pk").first(), AccessApplication.objects.first()
    # An organization with a member: its table of users holds forms with hidden labels.
    organization = Organization.objects.filter(memberships__isnull=False).order_by("pk").first()
    public = ["/", "/catalog/", f"/catalog/{resource.pk}/", "/products/", "/disclosure/"]
    public += [f"/products/{product.pk}/", "/accounts/login/"]
    return {
        "": public,
        "provider-market": [
            "/portal/resources/new/",
            f"/portal/resources/{resource.pk}/",
            f"/portal/resources/{resource.pk}/preview/",
        ],
        "operator": [f"/portal/agreements/{agreement.pk}/", f"/portal/products/{product.pk}/"],
        "merchant-a": [f"/portal/grants/{grant.pk}/", f"/portal/grants/{grant.pk}/usage/"],
        "regulator": [
            f"/console/registrations/{resource.pk}/",
            f"/console/products/{product.pk}/",
            f"/console/organizations/{organization.pk}/",
            f"/console/grants/{grant.pk}/",
            f"/console/applications/{application.pk}/",
            f"/console/agreements/{agreement.pk}/",
        ],
    }


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_no_page_is_wider_than_the_window(browser, live_server, demo, viewport):
    details, wide = _details(), []
    for username, extra in details.items():
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            _sign_in(page, username)
            urls = [live_server.url + path for path in extra] + _menu(page)
        else:
            urls = [live_server.url + path for path in extra]
        wide += [f"{username or 'visitor'} {line}" for line in _overflowing(page, urls)]
        if username == "regulator":
            page.screenshot(path=f"/tmp/layout-console-{viewport['width']}.png", full_page=True)
        context.close()
    assert wide == []


def test_on_a_phone_the_menu_folds_behind_a_button(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    _sign_in(page, "operator")
    menu = page.locator("nav[aria-label] a").first
    assert not menu.is_visible()
    page.click("#menu-button")
    assert menu.is_visible()
    # the agreements are in a menu of the navigation, which opens in place
    agreements = page.locator("nav[aria-label] a[href='/portal/agreements/']")
    assert not agreements.is_visible()
    menu_of_agreements = page.locator(
        "nav[aria-label] details", has=page.locator("a[href='/portal/agreements/']")
    )
    menu_of_agreements.locator("summary").click()
    with page.expect_navigation():
        agreements.click()
    assert page.evaluate(OVERFLOW)
    page.set_viewport_size(LAPTOP)
    assert not page.locator("#menu-button").is_visible()
    assert page.locator("nav[aria-label] a").first.is_visible()
    context.close()
