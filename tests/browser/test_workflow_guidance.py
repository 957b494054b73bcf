"""Whole workflows as their users walk them on the seed_demo data, for what the pages say
between the steps: where a mistake is, what happened after a button, what the user now
waits for, and a question before what cannot be undone."""

import pytest

from apps.accounts.models import ApiKey
from apps.catalog.models import DataResource
from apps.grants.applications import CHECK_TOPIC
from apps.grants.models import AccessApplication
from apps.products.models import DataProduct
from apps.workflow import outbox
from tests.browser.demo import (
    DESKTOP,
    PHONE,
    click_and_answer,
    overflow,
    sign_in_demo,
    switch_language,
)
from tests.browser.test_grant_journeys import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def flash(page) -> str:
    return page.locator(".messages li").inner_text()


def test_a_provider_fixes_a_field_name_on_its_row_then_learns_what_comes_after_submitting(
    page, demo
):
    sign_in_demo(page, "provider-market")
    page.goto("/portal/resources/new/")
    page.fill("#id_name", "企业年报摘要")
    page.select_option("#id_classification", "general")
    page.fill("input[name='fields-0-name']", "年报 year")
    page.fill("input[name='fields-0-label']", "年度")
    with page.expect_navigation():
        page.click("form button.primary")

    # the mistake is said on its row, not only above the form
    assert page.locator("#form-problems").is_visible()
    row = page.locator("#field-table tbody tr.field-row").first
    assert "仅限字母、数字和 _" in row.inner_text()
    assert row.locator("input[name='fields-0-name']").get_attribute("aria-invalid") == "true"

    page.fill("input[name='fields-0-name']", "report_year")
    with page.expect_navigation():
        page.click("form button.primary")
    assert flash(page) == "已保存。"
    assert "尚未提交" in page.locator("#next-step").inner_text()
    # no dangling separator after the upload link while there is no dataset yet
    assert page.locator("main").inner_text().count("上传数据集 ·") == 0

    with page.expect_navigation():
        page.click("#submit-registration")
    assert "接下来由监管部门审核" in flash(page)
    assert "等待监管部门开始审核" in page.locator("#next-step").inner_text()
    page.set_viewport_size(PHONE)
    assert overflow(page) is None
    page.set_viewport_size(DESKTOP)

    # the regulator starts the review and returns it: each button says what it did
    resource = DataResource.objects.get(name="企业年报摘要")
    sign_in_demo(page, "regulator")
    page.goto(f"/console/registrations/{resource.pk}/")
    assert page.locator("#no-dataset").inner_text() == "尚未上传数据集。"
    with page.expect_navigation():
        page.click("#start-review")
    assert flash(page).startswith("已开始审核")
    page.fill("#return-note", "请补充字段说明")
    with page.expect_navigation():
        page.click("#return")
    assert flash(page) == "已连同您填写的理由退回提供单位修改。"
    assert "等待其重新提交" in page.locator("#next-step").inner_text()

    sign_in_demo(page, "provider-market")
    page.goto(f"/portal/resources/{resource.pk}/")
    assert "已被监管部门退回" in page.locator("#next-step").inner_text()
    switch_language(page, "en")  # the same page, in English
    assert "Returned by the regulator" in page.locator("#next-step").inner_text()


def test_an_applicant_answers_a_change_request_and_is_told_what_it_waits_for(page, demo):
    sign_in_demo(page, "merchant-b")
    application = AccessApplication.objects.get(merchant__code="merchant-b")
    page.goto(f"/portal/applications/{application.pk}/")
    assert page.locator("#attachments").inner_text() == "暂无附件。"

    # a form with mistakes says so on top
    with page.expect_navigation():
        page.click("#edit-application")
    page.fill("#id_purpose", "")
    with page.expect_navigation():
        page.click("#save-application")
    assert page.locator("#form-problems").is_visible()
    page.go_back()
    page.go_back()

    page.set_input_files(
        "#attach-file",
        files=[{"name": "制度.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}],
    )
    with page.expect_navigation():
        page.click("#attach")
    assert flash(page) == "附件已上传。"
    with page.expect_navigation():
        page.click("#submit-application")
    assert flash(page) == "已提交：先进行自动检查，再由审核人作出决定。"
    assert "自动检查正在进行" in page.locator("#waiting").inner_text()

    for item in outbox.outbox_items_for(application, topic=CHECK_TOPIC):
        outbox.outbox_run(item.pk)
    page.reload()
    waiting = page.locator("#waiting").inner_text()
    assert "省公共数据运营有限公司" in waiting and "无需操作" in waiting
    switch_language(page, "en")  # the same page, in English
    assert "Nothing to do on your side for now" in page.locator("#waiting").inner_text()


def test_revoking_an_api_key_asks_first(page, demo):
    sign_in_demo(page, "merchant-b")
    key = ApiKey.objects.get(organization__code="merchant-b", name="demo")
    page.goto("/portal/api-keys/")
    button = f"form[action='/portal/api-keys/{key.pk}/revoke/'] button"
    question = click_and_answer(page, button, accept=False)
    assert question.startswith("确定吊销该密钥吗")
    key.refresh_from_db()
    assert not key.is_revoked  # Cancel: nothing happened

    click_and_answer(page, button, accept=True)
    key.refresh_from_db()
    assert key.is_revoked


def test_an_operator_submits_a_product_and_reads_what_it_waits_for(
    page, draft_product, operator_admin
):
    sign_in_as(page, operator_admin)
    page.goto(f"/portal/products/{draft_product.pk}/")
    assert "草稿" in page.locator("#next-step").inner_text()
    # deleting the draft asks first; Cancel keeps it
    assert "无法撤销" in click_and_answer(page, "#delete-product", accept=False)
    assert DataProduct.objects.filter(pk=draft_product.pk).exists()

    with page.expect_navigation():
        page.click("#submit-product")
    assert flash(page) == "已提交：经监管部门审核后上架。"
    assert "等待监管部门审核" in page.locator("#next-step").inner_text()
    with page.expect_navigation():
        page.click("#withdraw-product")  # back to a draft: no question
    assert flash(page) == "已撤回审核：重新成为草稿。"

    page.goto(f"/portal/agreements/{draft_product.agreement_id}/")
    assert page.locator("#next-step").count() == 0  # in force: nothing to wait for
