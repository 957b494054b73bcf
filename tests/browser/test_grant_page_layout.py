"""The application and grant pages at a desktop width and a phone's (390 px), in
Chinese and English: nothing wider than the screen, no CSP violation. Screenshots go
to SHOTS_DIR (default /tmp/shots-grantsweb) for a person to look at."""

import os
from pathlib import Path

import pytest

from apps.accounts import services as accounts
from apps.grants import access, approval
from tests.browser.shots import shoot
from tests.browser.test_grant_journeys import sign_in_as
from tests.grants.web import granted, pending, reviewing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-grantsweb"))


def test_the_pages_fit_a_phone_and_a_desktop_in_both_languages(
    page, live_server, listed, merchant, operator_admin, regulator
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # an application sent back for changes, one in the security review, and a grant
    asked = reviewing(listed, merchant)
    approval.application_decide(
        application=asked, user=operator_admin, step_id=pending(asked).pk,
        decision="changes_requested", comment="请说明数据保存期限和调用系统",
    )  # fmt: skip
    personal = reviewing(listed, merchant, fields=["credit_code", "legal_rep"])
    grant = granted(listed, merchant, operator_admin)
    key, _raw = accounts.api_key_create(
        organization=merchant.organization, created_by=merchant, name="生产环境"
    )
    access.key_bind(grant=grant, user=merchant, api_key_id=key.pk)

    sign_in_as(page, merchant)
    for name, path in (
        ("apply-form", f"/portal/applications/new/{listed.pk}/"),
        ("merchant-applications", "/portal/applications/"),
        ("merchant-application-changes", f"/portal/applications/{asked.pk}/"),
        ("merchant-grant", f"/portal/grants/{grant.pk}/"),
        ("product-page", f"/products/{listed.pk}/"),
    ):
        page.goto(path)
        shoot(page, live_server, name, SHOTS)

    sign_in_as(page, operator_admin)
    for name, path in (
        ("operator-queue", "/portal/reviews/?queue=all"),
        ("operator-application-decide", f"/portal/applications/{personal.pk}/"),
        ("operator-grants", "/portal/grants/"),
    ):
        page.goto(path)
        shoot(page, live_server, name, SHOTS)

    approval.application_decide(
        application=personal, user=operator_admin, step_id=pending(personal).pk,
        decision="approved", comment="用途合理",
    )  # fmt: skip
    sign_in_as(page, regulator)
    for name, path in (
        ("console-queue", "/console/applications/"),
        ("console-application-decide", f"/console/applications/{personal.pk}/"),
        ("console-grant", f"/console/grants/{grant.pk}/"),
    ):
        page.goto(path)
        shoot(page, live_server, name, SHOTS)
