"""Regulator accounts must enrol and use TOTP; other accounts are not asked."""

import time

import pytest
from django_otp.oath import totp

from tests.conftest import current_totp, login_web
from tests.factories import PASSWORD, totp_device

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})


def test_a_regulator_with_only_a_password_cannot_reach_the_console(web, regulator):
    sign_in(web, regulator)
    response = web.get("/console/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/otp/")


def test_a_regulator_without_a_device_must_enrol_first(web, regulator):
    regulator.totpdevice_set.all().delete()
    sign_in(web, regulator)
    page = web.get("/accounts/otp/")
    assert page.context["enrolling"] is True
    assert "<svg" in page.content.decode()
    device = regulator.totpdevice_set.get(confirmed=False)
    wrong = web.post("/accounts/otp/", {"token": "000000"})
    assert wrong.context["form"].errors
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    # a wrong code throttles the next attempt for a moment, and the page says so
    throttled = web.post("/accounts/otp/", {"token": code})
    assert "Wait" in str(throttled.context["form"].errors) or "等待" in str(
        throttled.context["form"].errors
    )
    time.sleep(1.1)
    assert web.post("/accounts/otp/", {"token": code}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert web.get("/console/").status_code == 200


def test_a_wrong_code_keeps_the_console_closed(web, regulator):
    sign_in(web, regulator)
    response = web.post("/accounts/otp/", {"token": "12345"})
    assert response.context["form"].errors
    assert web.get("/console/").status_code == 302


def test_the_right_code_opens_the_console(web, regulator):
    sign_in(web, regulator)
    response = web.post(
        "/accounts/otp/?next=/console/organizations/", {"token": current_totp(regulator)}
    )
    assert response.url == "/console/organizations/"
    assert web.get("/console/").status_code == 200


def test_the_api_refuses_an_unverified_regulator_session(web, regulator):
    sign_in(web, regulator)
    response = web.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "otp_required"
    web.post("/accounts/otp/", {"token": current_totp(regulator)})
    assert web.get("/api/v1/me/").status_code == 200


def test_an_operator_is_not_asked_for_a_code(web, operator_admin):
    login_web(web, operator_admin)
    assert web.get("/portal/").status_code == 200


def test_the_next_parameter_cannot_redirect_off_site(web, regulator):
    sign_in(web, regulator)
    response = web.post(
        "/accounts/otp/?next=https://evil.example/", {"token": current_totp(regulator)}
    )
    assert response.url == "/"


def test_superusers_also_need_the_second_factor_for_the_admin(web, db):
    from apps.accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    totp_device(admin)
    sign_in(web, admin)
    assert web.get("/admin/").status_code == 302
    web.post("/accounts/otp/", {"token": current_totp(admin)})
    assert web.get("/admin/").status_code == 200


def test_the_password_alone_cannot_change_the_password(web, regulator):
    """Or whoever holds only the password would replace it and lock the owner out."""
    sign_in(web, regulator)
    for path in ("/accounts/password/change/", "/accounts/password/change/done/"):
        assert web.get(path).url.startswith("/accounts/otp/")
    changed = web.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Zq9!other-pass",
            "new_password2": "Zq9!other-pass",
        },
    )
    assert changed.status_code == 302 and changed.url.startswith("/accounts/otp/")
    regulator.refresh_from_db()
    assert regulator.check_password(PASSWORD)
    # past the second factor, the change goes through
    web.post("/accounts/otp/", {"token": current_totp(regulator)})
    assert web.get("/accounts/password/change/").status_code == 200
    # and a reset by e-mail stays open to a regulator signed in with the password only
    web.logout()
    sign_in(web, regulator)
    assert web.get("/accounts/password/reset/").status_code == 200


def test_refused_codes_are_audited_and_a_used_code_cannot_be_replayed(web, regulator):
    """A wrong code after a correct password, a code tried while throttled and a replayed
    code are denied `auth.otp` events (security review 2026-12-05: none were recorded)."""
    from django.test import Client

    from apps.audit.models import AuditEvent

    sign_in(web, regulator)
    web.post("/accounts/otp/", {"token": "000000"})
    web.post("/accounts/otp/", {"token": "000000"})  # within django-otp's pause
    time.sleep(1.1)
    code = current_totp(regulator)
    assert web.post("/accounts/otp/", {"token": code}).status_code == 302
    replay = Client()
    sign_in(replay, regulator)
    refused = replay.post("/accounts/otp/", {"token": code})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert replay.get("/console/").status_code == 302

    events = AuditEvent.objects.filter(action="auth.otp").order_by("id")
    assert [(e.outcome, e.reason) for e in events] == [
        ("denied", "otp_wrong"),
        ("denied", "otp_throttled"),
        ("denied", "otp_wrong"),
    ]
    assert all(e.actor_id == str(regulator.pk) for e in events)
    assert code not in str([e.data for e in events]) and "000000" not in str(
        [e.data for e in events]
    )


@pytest.mark.parametrize("target", ["ADMIN", "console", "a%01b"])
def test_a_next_that_is_no_address_goes_home_instead_of_failing(web, regulator, target):
    """redirect() took `next=ADMIN` for a view name: NoReverseMatch, a 500, after the
    right code (security review 2026-12-05)."""
    sign_in(web, regulator)
    response = web.post(f"/accounts/otp/?next={target}", {"token": current_totp(regulator)})
    assert response.status_code == 302
    assert response.url == "/"
