"""End-to-end journeys in Debian's Chromium driven by Playwright (no browser download)."""

import os
import shutil

import pytest

from tests.browser.demo import demo  # noqa: F401  (the seed_demo data, tests/browser/demo.py)
from tests.delivery.conftest import grant, key_client  # noqa: F401  (alert pages)
from tests.grants.conftest import (  # noqa: F401  (fixtures of the application journeys)
    _files_dir,
    draft_agreement,
    draft_product,
    effective,
    in_review,
    listed,
    profile,
    resources,
)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; scripts/test.sh installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def _is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh context; every journey fails on a CSP violation in the console."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: list[str] = []
    page.on("console", lambda msg: _is_csp_violation(msg.text) and violations.append(msg.text))
    page.csp_violations = violations
    yield page
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"
