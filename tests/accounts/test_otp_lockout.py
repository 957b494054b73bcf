"""Wrong TOTP codes lock the second factor: after OTP_MAX_FAILURES in a row every code,
the right one too, is refused until the lock runs out; a right code before that resets
the count. The lock is the user's, kept in the database, and audited."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from apps.accounts.models import SecondFactorLock
from apps.audit.choices import Outcome
from apps.audit.models import AuditEvent
from tests.conftest import current_totp
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def no_throttle(settings):
    """django-otp's own pause after each wrong code (1, 2, 4, 8 s...) is not under test."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_MAX_FAILURES = 5
    settings.OTP_LOCKOUT_MINUTES = 15


def signed_in(user, ip="203.0.113.10") -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def wrong(client, times: int = 1):
    for _ in range(times):
        response = client.post("/accounts/otp/", {"token": "000000"}, **ENGLISH)
    return response


def errors(response) -> str:
    return " ".join(response.context["form"].errors["token"])


def test_each_wrong_code_says_how_many_are_left(regulator):
    response = wrong(signed_in(regulator), 2)
    assert response.status_code == 200
    assert "3 attempts left" in errors(response)


def test_too_many_wrong_codes_lock_the_second_factor_even_for_the_right_code(regulator):
    client = signed_in(regulator)
    locked = wrong(client, 5)
    assert locked.status_code == 429
    assert "locked until" in errors(locked)
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    right = client.post("/accounts/otp/", {"token": current_totp(regulator)}, **ENGLISH)
    assert right.status_code == 429
    assert "even a correct one" in errors(right)
    assert client.get("/console/").status_code == 302  # still not past the second factor
    page = client.get("/accounts/otp/", **ENGLISH)
    assert "locked until" in page.content.decode()


def test_the_lock_and_every_code_it_refuses_are_audited(regulator):
    client = signed_in(regulator)
    wrong(client, 5)
    client.post("/accounts/otp/", {"token": current_totp(regulator)})
    lock = AuditEvent.objects.get(action="auth.otp_lockout")
    assert (lock.outcome, lock.reason) == (Outcome.DENIED, "otp_locked")
    data = json.loads(lock.data)
    assert data["failures"] == 5 and data["username"] == regulator.username
    assert lock.actor_id == str(regulator.pk)
    refused = AuditEvent.objects.filter(action="auth.otp", outcome=Outcome.DENIED)
    assert list(refused.values_list("reason", flat=True).order_by("id")) == [
        *["otp_wrong"] * 5,
        "otp_locked",
    ]
    assert current_totp(regulator) not in str(list(refused.values_list("data", flat=True)))


def test_a_right_code_resets_the_count(regulator):
    client = signed_in(regulator)
    wrong(client, 4)
    assert client.post("/accounts/otp/", {"token": current_totp(regulator)}).status_code == 302
    again = signed_in(regulator)
    response = wrong(again, 4)
    assert response.status_code == 200
    assert "1 attempt left" in errors(response)


def test_the_lock_is_the_users_not_the_sessions_or_the_addresss(regulator):
    wrong(signed_in(regulator, ip="203.0.113.10"), 5)
    elsewhere = signed_in(regulator, ip="198.51.100.20")
    response = elsewhere.post("/accounts/otp/", {"token": current_totp(regulator)})
    assert response.status_code == 429


def test_attempts_during_a_lock_do_not_push_it_further_out(regulator):
    client = signed_in(regulator)
    wrong(client, 5)
    until = SecondFactorLock.objects.get(user=regulator).locked_until
    wrong(client, 3)
    assert SecondFactorLock.objects.get(user=regulator).locked_until == until


def test_the_lock_survives_a_cache_flush(regulator):
    client = signed_in(regulator)
    wrong(client, 5)
    cache.clear()
    assert client.post("/accounts/otp/", {"token": current_totp(regulator)}).status_code == 429


def test_the_second_factor_opens_again_when_the_lock_runs_out(regulator):
    client = signed_in(regulator)
    wrong(client, 5)
    SecondFactorLock.objects.filter(user=regulator).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    # a fresh count after the lock: one wrong code does not lock again
    response = wrong(client)
    assert response.status_code == 200 and "4 attempts left" in errors(response)
    assert client.post("/accounts/otp/", {"token": current_totp(regulator)}).status_code == 302
    assert not SecondFactorLock.objects.filter(user=regulator).exists()


def test_an_enrolling_user_is_locked_too(regulator):
    regulator.totpdevice_set.all().delete()
    client = signed_in(regulator)
    assert wrong(client, 5).status_code == 429
    assert json.loads(AuditEvent.objects.get(action="auth.otp_lockout").data)["enrolling"] is True


def test_an_administrator_lifts_the_lock_and_that_is_audited(regulator):
    client = signed_in(regulator)
    wrong(client, 5)
    call_command("unlock_sign_in", username=regulator.username)
    assert AuditEvent.objects.filter(action="auth.otp_unlock").count() == 1
    assert client.post("/accounts/otp/", {"token": current_totp(regulator)}).status_code == 302


def test_the_locked_message_is_in_chinese_by_default(regulator):
    client = signed_in(regulator)
    wrong(client, 5)
    response = client.post("/accounts/otp/", {"token": "000000"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert "锁定" in errors(response)


def test_the_right_code_in_other_scripts_digits_is_not_a_code(regulator):
    """`\\d` matches Arabic-Indic and full-width digits too, which int() reads as the
    code: the form takes ASCII digits only."""
    client = signed_in(regulator)
    code = current_totp(regulator)
    arabic = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post("/accounts/otp/", {"token": arabic}, **ENGLISH)
    assert response.status_code == 200
    assert b"Enter the 6 digits" in response.content
    assert client.get("/console/").status_code == 302  # still sent back to the code page
