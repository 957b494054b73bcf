"""Access applications end to end in Chromium, with a real Celery worker running the
automated checks: a merchant applies and answers a change request, the operator
reviews, a regulator signs off with TOTP and later revokes, and the merchant's bound
key is refused on its next call."""

import re
from datetime import timedelta

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone

from apps.accounts import services as accounts
from apps.grants import access, approval
from apps.grants.choices import ApplicationStatus as A
from apps.grants.choices import GrantStatus as G
from apps.grants.models import AccessApplication, Grant
from tests.browser.demo import click_and_answer
from tests.browser.test_sign_in_journeys import sign_in
from tests.conftest import current_totp, wait_for
from tests.factories import PASSWORD
from tests.grants.web import pending

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def status_of(application_id: int) -> str:
    return AccessApplication.objects.get(pk=application_id).status


def sign_in_as(page, user) -> None:
    page.context.clear_cookies()
    sign_in(page, user.username, PASSWORD)
    if user.requires_two_factor:
        page.fill("#id_token", current_totp(user))
        page.click("button.primary")
        page.wait_for_url("**/console/")
    else:
        page.wait_for_url("**/portal/")


def decide(page, decision: str, comment: str) -> None:
    page.check(f"input[name=decision][value={decision}]")
    page.fill("#id_comment", comment)
    with page.expect_navigation():
        page.click("#decide-submit")


def test_a_merchant_applies_answers_a_change_request_and_sees_the_grant(
    page, listed, merchant, operator_admin, celery_worker_process
):
    # given a listed product whose non-personal fields need the operator's review only
    sign_in_as(page, merchant)
    page.goto(f"/products/{listed.pk}/")
    with page.expect_navigation():
        page.click("#apply-for-product")
    # when the merchant fills in the application and submits it
    page.fill("#id_purpose", "核验合作企业的统一社会信用代码")
    page.select_option("#id_scenario", "credit")
    page.check("input[name=fields][value=credit_code]")
    page.fill("#id_requested_end", (timezone.localdate() + timedelta(days=120)).isoformat())
    page.fill("#id_expected_calls_per_day", "200")
    page.fill("#id_legal_basis", "《数据安全法》第三十二条；合作协议")
    page.fill("#id_tech_contact_name", "张工")
    page.fill("#id_tech_contact_email", "tech@merchant.example.com")
    page.fill("#id_dpo_name", "李娜")
    page.fill("#id_dpo_contact", "dpo@merchant.example.com")
    page.check("#id_accept_terms")
    with page.expect_navigation():
        page.click("#save-and-submit")
    application_id = int(re.search(r"/applications/(\d+)/", page.url).group(1))
    # then the worker runs the checks and the operator's step opens
    wait_for(lambda: status_of(application_id) == A.IN_REVIEW)

    # the operator finds it in its queue and asks for changes
    sign_in_as(page, operator_admin)
    page.goto("/portal/reviews/")
    with page.expect_navigation():
        page.click(f"#queue a[href='/portal/applications/{application_id}/']")
    decide(page, "changes_requested", "请说明调用方的系统和数据保存期限")
    assert status_of(application_id) == A.CHANGES_REQUESTED

    # the merchant follows the notification, edits, resubmits and writes back
    sign_in_as(page, merchant)
    page.goto("/portal/notifications/")
    with page.expect_navigation():
        page.click(f"#notifications a[data-link='/portal/applications/{application_id}/']")
    assert "请说明调用方的系统和数据保存期限" in page.locator("#change-request").inner_text()
    with page.expect_navigation():
        page.click("#edit-application")
    page.fill("#id_purpose", "核验合作企业的统一社会信用代码；结果保存 30 天")
    with page.expect_navigation():
        page.click("#save-and-submit")
    page.fill("#id_body", "已补充：内部风控系统调用，结果保存 30 天。")
    with page.expect_navigation():
        page.click("#send-message")
    assert "内部风控系统调用" in page.locator("#thread").inner_text()
    wait_for(lambda: status_of(application_id) == A.IN_REVIEW)

    # the operator reads the answer and approves
    sign_in_as(page, operator_admin)
    page.goto(f"/portal/applications/{application_id}/")
    assert "内部风控系统调用" in page.locator("#thread").inner_text()
    decide(page, "approved", "用途清楚，同意")
    assert status_of(application_id) == A.APPROVED

    # the merchant sees the grant with its scope
    sign_in_as(page, merchant)
    page.goto(f"/portal/applications/{application_id}/")
    with page.expect_navigation():
        page.click("#grant-link")
    grant = Grant.objects.get(application_id=application_id)
    assert page.locator("#grant-status").inner_text() == "启用"
    assert "credit_code" in page.locator("#grant-fields").inner_text()
    assert grant.number in page.locator("h1").inner_text()


def api_answer(page, grant: Grant, raw_key: str) -> tuple[int, str | None]:
    """What the merchant's client hears on the grant's own endpoint. When the grants API
    is routed, over HTTP; until then, from the API authentication that the endpoint will
    run (Django answers an unrouted path with 404 before any DRF view, so the key
    guard cannot be heard over HTTP without the endpoint)."""
    path = f"/api/v1/grants/{grant.pk}/"
    try:
        resolve(path)
    except Resolver404:
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        from apps.accounts.authentication import ApiKeyAuthentication, KeyRefused

        request = Request(APIRequestFactory().get(path, HTTP_AUTHORIZATION=f"Bearer {raw_key}"))
        try:
            ApiKeyAuthentication().authenticate(request)
        except KeyRefused as refused:
            return 403, refused.get_codes()
        return 200, None
    response = page.request.get(path, headers={"Authorization": f"Bearer {raw_key}"})
    body = response.json() if response.status != 200 else {}
    return response.status, body.get("code")


def test_a_regulator_signs_off_with_totp_then_revokes_and_the_bound_key_is_refused(
    page, listed, merchant, operator_admin, regulator, celery_worker_process
):
    # given an application for a personal field, past the operator: the security review
    from tests.grants.conftest import submitted

    application = submitted(listed, merchant, fields=["credit_code", "legal_rep"])
    wait_for(lambda: status_of(application.pk) == A.IN_REVIEW)
    approval.application_decide(
        application=application, user=operator_admin, step_id=pending(application).pk,
        decision="approved", comment="用途合理",
    )  # fmt: skip
    assert pending(application).stage == "application.security"

    # when the regulator signs in with TOTP and approves from the console queue
    sign_in_as(page, regulator)
    page.goto("/console/applications/")
    with page.expect_navigation():
        page.click(f"#queue a[href='/console/applications/{application.pk}/']")
    assert "个人信息" in page.locator("#requested-fields").inner_text()
    decide(page, "approved", "脱敏规则充分")
    assert status_of(application.pk) == A.APPROVED
    grant = Grant.objects.get(application=application)

    # and the merchant binds a key, which reads the grant
    key, raw = accounts.api_key_create(
        organization=merchant.organization, created_by=merchant, name="生产环境"
    )
    access.key_bind(grant=grant, user=merchant, api_key_id=key.pk)
    assert api_answer(page, grant, raw)[0] == 200

    # then the regulator revokes the grant with a reason: asked first, Cancel changes nothing
    with page.expect_navigation():
        page.click("#grant-link")
    page.fill("#revoke-reason", "发现超范围使用")
    assert "无法撤销" in click_and_answer(page, "#revoke-grant", accept=False)
    assert Grant.objects.get(pk=grant.pk).status == G.ACTIVE
    click_and_answer(page, "#revoke-grant", accept=True)
    assert Grant.objects.get(pk=grant.pk).status == G.REVOKED
    assert page.locator(".messages .success").inner_text() == "授权已吊销。"
    assert page.locator("#grant-status").inner_text() == "已吊销"

    # and the merchant's very next call with the bound key is refused
    assert api_answer(page, grant, raw) == (403, "grant_revoked")
