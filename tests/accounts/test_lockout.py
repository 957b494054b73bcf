"""Sign-in lockout by (username, address), a higher limit per address, and what the page
says about it."""

import json
import re

import pytest
from django.core.management import call_command

from apps.audit.choices import Outcome
from apps.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.10"  # one NAT address for a whole office
HOME = "198.51.100.20"


def attempt(client, username, password, ip=OFFICE, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def lock_pair(client, username, settings, ip=OFFICE):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, username, "wrong-password", ip=ip)


def test_a_locked_user_cannot_sign_in_from_the_same_address(web, operator_admin, settings):
    lock_pair(web, operator_admin.username, settings)
    assert attempt(web, operator_admin.username, PASSWORD).status_code == 429


def test_another_user_at_the_same_address_is_not_locked(
    web, client, operator_admin, merchant, settings
):
    lock_pair(web, operator_admin.username, settings)
    colleague = attempt(client, merchant.username, PASSWORD)
    assert colleague.status_code == 302


def test_the_same_user_from_another_address_is_not_locked(web, client, operator_admin, settings):
    lock_pair(web, operator_admin.username, settings)
    from_home = attempt(client, operator_admin.username, PASSWORD, ip=HOME)
    assert from_home.status_code == 302


def test_many_failures_over_many_usernames_lock_the_address(web, client, merchant, settings):
    settings.AXES_IP_FAILURE_LIMIT = 8
    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        attempt(web, f"guess-{n}", "wrong-password")
    locked = attempt(client, merchant.username, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    assert "network address" in locked.content.decode()
    # the address limit does not follow the user home
    assert attempt(client, merchant.username, PASSWORD, ip=HOME).status_code == 302


def test_the_address_limit_is_much_higher_than_the_pair_limit(settings):
    assert settings.AXES_IP_FAILURE_LIMIT >= 5 * settings.AXES_FAILURE_LIMIT


def test_a_colleagues_success_does_not_clear_the_addresss_failures(web, client, merchant, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    for n in range(5):
        attempt(web, f"guess-{n}", "wrong-password")
    attempt(client, merchant.username, "wrong-password")
    # six failures at the office now; the merchant's own success clears only their own one
    client.post("/accounts/logout/")
    assert attempt(web, merchant.username, PASSWORD).status_code == 429


def test_after_a_failure_the_page_says_how_many_attempts_remain(web, operator_admin, settings):
    response = attempt(web, operator_admin.username, "wrong-password", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    left = settings.AXES_FAILURE_LIMIT - 1
    assert 'id="attempts-left"' in page
    assert f"{left} attempts left before sign-in is locked for 15 minutes" in page


def test_the_remaining_attempts_are_said_in_chinese_too(web, operator_admin, settings):
    attempt(web, operator_admin.username, "wrong-password")
    page = attempt(web, operator_admin.username, "wrong-password").content.decode()
    assert f"还可尝试 {settings.AXES_FAILURE_LIMIT - 2} 次" in page


def test_the_last_attempt_before_a_lock_is_announced_in_the_singular(web, merchant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        attempt(web, merchant.username, "wrong-password")
    page = attempt(web, merchant.username, "wrong", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 attempt left before sign-in is locked" in page


def test_the_remaining_count_follows_the_address_limit_when_it_is_closer(web, merchant, settings):
    settings.AXES_IP_FAILURE_LIMIT = 7
    for n in range(5):
        attempt(web, f"guess-{n}", "wrong-password")
    page = attempt(web, merchant.username, "wrong", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 attempt left" in page


def test_an_empty_form_does_not_count_as_an_attempt(web):
    page = attempt(web, "", "").content.decode()
    assert 'id="attempts-left"' not in page


def test_the_lock_message_says_when_to_retry(web, merchant, settings):
    lock_pair(web, merchant.username, settings)
    locked = attempt(web, merchant.username, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    message = re.search(r'id="locked-message">([^<]+)<', locked.content.decode())[1]
    assert re.search(r"locked until \d\d:\d\d \(in 15 minutes\)", message)
    assert int(locked["Retry-After"]) == 15 * 60


def test_attempts_during_a_lock_do_not_move_the_retry_time(web, merchant, settings, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+08:00", tick=False)
    lock_pair(web, merchant.username, settings)
    time_machine.move_to("2026-03-02 10:10:00+08:00", tick=False)
    locked = attempt(web, merchant.username, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert "locked until 10:15 (in 5 minutes)" in locked.content.decode()
    time_machine.move_to("2026-03-02 10:15:01+08:00", tick=False)
    assert attempt(web, merchant.username, PASSWORD).status_code == 302


def test_a_client_asking_for_json_gets_the_lock_as_a_json_error(web, merchant, settings):
    lock_pair(web, merchant.username, settings)
    locked = attempt(web, merchant.username, PASSWORD, HTTP_ACCEPT="application/json")
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "sign_in_locked"
    assert body["details"]["retry_after_seconds"] == 15 * 60


def test_failures_and_refusals_during_a_lock_are_audited(web, merchant, settings):
    lock_pair(web, merchant.username, settings)
    attempt(web, merchant.username, PASSWORD)
    denials = AuditEvent.objects.filter(outcome=Outcome.DENIED)
    assert denials.filter(action="auth.login").count() >= settings.AXES_FAILURE_LIMIT
    # the lock itself, then the refused attempt made while it held
    assert denials.filter(action="auth.lockout").count() == 2


def test_an_admin_clears_a_lockout_with_the_management_command(web, merchant, settings):
    lock_pair(web, merchant.username, settings)
    call_command("unlock_sign_in", username=merchant.username, ip=OFFICE)
    assert attempt(web, merchant.username, PASSWORD).status_code == 302
    event = json.loads(AuditEvent.objects.get(action="auth.unlock").data)
    assert event["username"] == merchant.username
    assert event["cleared"] == 1
