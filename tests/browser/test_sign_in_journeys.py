import pytest

from tests.conftest import current_totp
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")


def test_an_operator_signs_in_and_switches_the_language(page, operator_admin):
    sign_in(page, operator_admin.username, PASSWORD)
    page.wait_for_url("**/portal/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "运营机构工作台"
    page.select_option("#language", "en")
    page.click("#switch-language")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Operator workspace"
    organization = operator_admin.organization  # its English name in the English UI
    assert (organization.name_en or organization.name) in page.content()


def test_a_regulator_signs_in_with_a_totp_code(page, regulator):
    sign_in(page, regulator.username, PASSWORD)
    page.wait_for_url("**/accounts/otp/**")
    page.fill("#id_token", current_totp(regulator))
    page.click("button.primary")
    page.wait_for_url("**/console/")
    assert page.locator("h1").inner_text() == "监管驾驶舱"
    assert page.locator("#todos").is_visible()


def test_a_regulator_enrols_an_authenticator_on_first_sign_in(page, regulator):
    regulator.totpdevice_set.all().delete()
    sign_in(page, regulator.username, PASSWORD)
    page.wait_for_url("**/accounts/otp/**")
    assert page.locator(".qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    import base64

    from django_otp.oath import totp

    code = f"{totp(base64.b32decode(secret)):06d}"
    page.fill("#id_token", code)
    page.click("button.primary")
    page.wait_for_url("**/console/")


def test_a_locked_out_user_sees_the_lock_message(page, merchant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, merchant.username, "wrong-password")
        page.wait_for_load_state()
    sign_in(page, merchant.username, PASSWORD)
    message = page.locator("#locked-message")
    assert message.is_visible()
    assert "锁定" in message.inner_text()
    assert "/accounts/login/" in page.url


def test_switching_the_language_keeps_what_was_typed_but_never_the_password(page, operator_admin):
    """After a refused sign-in the switch reloads the page by GET: the user name typed
    comes back in the other language, the password does not (it is never stored)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", operator_admin.username)
    page.fill("#id_password", "not-the-password")
    page.click("button.primary")
    page.wait_for_load_state()
    assert page.locator(".errorlist, .form-errors, [role=alert]").count() > 0
    page.fill("#id_password", "typed-again")
    page.select_option("#language", "en")
    page.click("#switch-language")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.input_value("#id_username") == operator_admin.username
    assert page.input_value("#id_password") == ""
    assert "typed-again" not in page.evaluate("JSON.stringify(window.sessionStorage)")
    page.reload()  # kept once: a later visit starts empty
    assert page.input_value("#id_username") == ""
