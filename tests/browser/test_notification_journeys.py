"""A notification arriving and being read, on the demo data: merchant-b writes on its
application waiting on changes; the operator's reviewer sees the unread count grow in
the header, opens the list, follows the newest notification to the application (the
message is in its thread) and the count is back where it was."""

import pytest

from apps.accounts.models import User
from apps.grants.models import AccessApplication
from tests.browser.demo import PHONE, overflow, screenshot, sign_in_demo, unread_badge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = "已补充数据安全管理制度，法定代表人字段用于核验签约主体。"


def test_a_message_from_the_merchant_reaches_the_reviewer_who_reads_it(page, demo):
    merchant = User.objects.get(username="merchant-b")
    application = AccessApplication.objects.get(merchant_id=merchant.organization_id)
    page_url = f"/portal/applications/{application.pk}/"
    sign_in_demo(page, "operator-reviewer")
    before = unread_badge(page)

    # the merchant writes on its application
    sign_in_demo(page, "merchant-b")
    page.goto(page_url)
    page.fill("#id_body", MESSAGE)
    with page.expect_navigation():
        page.click("#send-message")
    assert MESSAGE in page.locator("#thread").inner_text()

    # the reviewer sees one more unread notification in the header, on any page
    sign_in_demo(page, "operator-reviewer")
    assert unread_badge(page) == before + 1
    with page.expect_navigation():
        page.click(".notifications-link")
    newest = page.locator("#notifications tbody tr").first
    assert "unread" in newest.get_attribute("class")
    assert f"#{application.pk}" in newest.inner_text() and MESSAGE in newest.inner_text()
    page.set_viewport_size(PHONE)
    assert overflow(page) is None, overflow(page)
    screenshot(page, "notifications-reviewer-phone")

    # following it leads to the application, and it is read
    with page.expect_navigation():
        newest.locator(f"a[data-link='{page_url}']").click()
    assert page.url.endswith(page_url)
    assert MESSAGE in page.locator("#thread").inner_text()
    assert unread_badge(page) == before
    page.goto("/portal/notifications/")
    assert "read" in page.locator("#notifications tbody tr").first.get_attribute("class").split()
