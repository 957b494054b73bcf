"""Sign-in, lockout, sign-out, password change and reset by e-mail."""

import re

import pytest
from django.core import mail

from tests.conftest import login_web
from tests.factories import PASSWORD


def sent_mail():
    """The e-mails sent so far: a reset e-mail is queued in the outbox, then sent."""
    from tests.workflow.helpers import run_outbox

    run_outbox("mail.send")
    return mail.outbox


pytestmark = pytest.mark.django_db


def attempt(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_the_login_page_is_chinese_by_default(web):
    page = web.get("/accounts/login/").content.decode()
    assert "登录" in page


def test_wrong_credentials_get_a_form_error_not_a_crash(web, operator_admin):
    response = attempt(web, operator_admin.username, "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in web.session


def test_correct_credentials_sign_in_and_land_on_the_portal(web, operator_admin):
    response = attempt(web, operator_admin.username, PASSWORD)
    assert response.status_code == 302
    assert web.get("/", follow=True).request["PATH_INFO"] == "/portal/"


def test_repeated_failures_lock_the_account_with_a_clear_message(web, operator_admin, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(web, operator_admin.username, "wrong-password")
    # the right password no longer works while the lock holds
    locked = attempt(web, operator_admin.username, PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert 'id="locked-message"' in page
    assert "15" in page
    assert "_auth_user_id" not in web.session


def test_a_lock_on_one_ip_does_not_lock_other_accounts_from_elsewhere(
    web, client, operator_admin, merchant, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(web, operator_admin.username, "wrong-password")
    elsewhere = client.post(
        "/accounts/login/",
        {"username": merchant.username, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    assert elsewhere.status_code == 302


def test_sign_out_requires_post_and_ends_the_session(web, operator_admin):
    login_web(web, operator_admin)
    assert web.post("/accounts/logout/").status_code == 302
    assert web.get("/portal/").status_code == 302


def test_password_change_needs_the_old_password(web, operator_admin):
    login_web(web, operator_admin)
    bad = web.post(
        "/accounts/password/change/",
        {
            "old_password": "nope",
            "new_password1": "a-new-pass-phrase",
            "new_password2": "a-new-pass-phrase",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    good = web.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-pass-phrase",
            "new_password2": "a-new-pass-phrase",
        },
    )
    assert good.status_code == 302
    operator_admin.refresh_from_db()
    assert operator_admin.check_password("a-new-pass-phrase")


def test_password_reset_by_email_sets_a_new_password(web, operator_admin):
    response = web.post("/accounts/password/reset/", {"email": operator_admin.email})
    assert response.status_code == 302
    assert len(sent_mail()) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", sent_mail()[0].body)[1]
    form_url = web.get(link).url  # Django swaps the token for a session-bound URL
    done = web.post(
        form_url, {"new_password1": "fresh-pass-phrase-1", "new_password2": "fresh-pass-phrase-1"}
    )
    assert done.status_code == 302
    operator_admin.refresh_from_db()
    assert operator_admin.check_password("fresh-pass-phrase-1")


def test_password_reset_for_an_unknown_address_reveals_nothing(web):
    response = web.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert sent_mail() == []
