"""Helpers of the journeys on `seed_demo` data: the demo personas sign in (the regulator
with TOTP), switch the language, and the screenshots the journeys keep as test
artifacts (SCREENSHOT_DIR, default var/test-artifacts/screenshots under the repo)."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.accounts.models import User
from tests.browser.test_sign_in_journeys import sign_in
from tests.conftest import current_totp
from tests.factories import totp_device

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", REPO / "var" / "test-artifacts" / "screenshots")
)
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(tmp_path, settings):
    """The demo data; the regulator has an authenticator."""
    settings.OPERATORS_FILES_DIR = tmp_path / "operators"
    call_command("seed_demo", force=True, stdout=StringIO())
    totp_device(User.objects.get(username="regulator"))


def sign_in_demo(page, username: str) -> User:
    """Signs `username` in with the demo password, on a fresh session."""
    user = User.objects.get(username=username)
    page.context.clear_cookies()
    sign_in(page, username, settings.DEMO_PASSWORD)
    if user.requires_two_factor:
        page.wait_for_url("**/accounts/otp/**")
        page.fill("#id_token", current_totp(user))
        page.click("button.primary")
        page.wait_for_url("**/console/")
    else:
        page.wait_for_url("**/portal/")
    return user


def switch_language(page, code: str) -> None:
    """The header's language form ("zh-hans" or "en"); it comes back to the same page."""
    page.select_option("#language", code)
    with page.expect_navigation():
        page.click("#switch-language")
    assert page.locator("html").get_attribute("lang") == code


def overflow(page) -> list[int] | None:
    """[scrollWidth, innerWidth] when the page is wider than the window, else None."""
    widths = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    return widths if widths[0] > widths[1] else None


def unread_badge(page) -> int:
    """The unread count in the header (0 when there is no badge)."""
    badge = page.locator(".notifications-link .badge")
    return int(badge.inner_text()) if badge.count() else 0


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """The page (or only the window, full_page=False) in SCREENSHOTS/`name`.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def to_security_review() -> "AccessApplication":  # noqa: F821
    """merchant-b resubmits its demo application (waiting on changes), the checks run and
    the operator's reviewer approves: the regulator's security review step opens."""
    from apps.grants import applications, approval
    from apps.grants.applications import CHECK_TOPIC
    from apps.grants.models import AccessApplication
    from apps.workflow import outbox, review

    merchant = User.objects.get(username="merchant-b")
    application = AccessApplication.objects.get(merchant_id=merchant.organization_id)
    applications.application_submit(application=application, user=merchant)
    for item in outbox.outbox_items_for(application, topic=CHECK_TOPIC):
        outbox.outbox_run(item.pk)
    step = review.steps_for(application).get(decision="pending")
    approval.application_decide(
        application=application, user=User.objects.get(username="operator-reviewer"),
        step_id=step.pk, decision="approved", comment="同意，转安全审查",
    )  # fmt: skip
    assert review.steps_for(application).get(decision="pending").stage.endswith("security")
    return application


def click_and_answer(page, selector: str, accept: bool) -> str:
    """Clicks a button whose form asks first (data-confirm): answers OK (`accept`, and
    waits for the page that follows) or Cancel; returns the question asked."""
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", answer)
    if accept:
        with page.expect_navigation():
            page.click(selector)
    else:
        page.click(selector)
        for _ in range(40):  # the handler runs while Playwright waits, not while we sleep
            if asked:
                break
            page.wait_for_timeout(50)
    assert asked, f"{selector} submitted without asking"
    return asked[0]
