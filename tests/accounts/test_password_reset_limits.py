"""Password reset requests are limited per address and per client IP, and each is audited
without the address in clear; known and unknown addresses answer alike."""

import json

import pytest
from django.core import mail
from django.test import Client

from apps.audit.models import AuditEvent


def sent_mail():
    """The e-mails sent so far: a reset e-mail is queued in the outbox, then sent."""
    from tests.workflow.helpers import run_outbox

    run_outbox("mail.send")
    return mail.outbox


pytestmark = pytest.mark.django_db
URL, DONE = "/accounts/password/reset/", "/accounts/password/reset/sent/"
ACTION = "accounts.password_reset_request"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR = 3
    settings.PASSWORD_RESET_PER_IP_PER_HOUR = 20


def ask(client, email, ip="198.51.100.7"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=ip, HTTP_USER_AGENT="probe/1.0")


def answers(responses) -> list:
    return [(r.status_code, r.get("Location")) for r in responses]


def events():
    return list(AuditEvent.objects.filter(action=ACTION).order_by("pk"))


def test_the_fourth_request_for_one_address_within_the_hour_sends_nothing_but_looks_the_same(
    merchant,
):
    web = Client()
    # The address is matched without regard to case, so a capital letter is no way round.
    asked = [merchant.email, merchant.email, merchant.email.upper(), merchant.email]
    responses = [ask(web, email) for email in asked]
    assert answers(responses) == [(302, DONE)] * 4
    assert len(sent_mail()) == 3 and all(m.to == [merchant.email] for m in sent_mail())
    recorded = events()
    assert [(e.outcome, e.reason) for e in recorded] == [
        ("allowed", ""),
        ("allowed", ""),
        ("allowed", ""),
        ("denied", "password_reset_throttled"),
    ]
    assert json.loads(recorded[-1].data)["limit"] == "per_email"
    # One keyed digest for the address, however it was written.
    assert len({json.loads(e.data)["email_digest"] for e in recorded}) == 1


def test_an_unknown_address_is_answered_and_counted_like_a_known_one(merchant):
    known = [ask(Client(), merchant.email) for _ in range(4)]
    known_events = [(e.outcome, e.reason) for e in events()]
    sent = len(sent_mail())
    unknown = [ask(Client(), "nobody@example.org") for _ in range(4)]
    assert answers(unknown) == answers(known) == [(302, DONE)] * 4
    assert [(e.outcome, e.reason) for e in events()[4:]] == known_events
    assert len(sent_mail()) == sent == 3  # only the known address ever gets mail


def test_past_the_ip_limit_the_form_says_so_with_429(merchant, settings):
    settings.PASSWORD_RESET_PER_IP_PER_HOUR = 5
    web = Client()
    first = [ask(web, f"person-{n}@example.org") for n in range(5)]
    assert answers(first) == [(302, DONE)] * 5
    refused = ask(web, merchant.email)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    # the page is in Chinese, the default language
    assert "您所在网络地址的密码重置请求过多" in refused.content.decode()
    assert refused.context["form"].non_field_errors()
    assert sent_mail() == []
    last = events()[-1]
    assert (last.outcome, last.reason) == ("denied", "password_reset_throttled")
    assert json.loads(last.data)["limit"] == "per_ip"
    # Another client address has its own budget, and the refused request cost the
    # address asked for nothing.
    assert answers([ask(web, merchant.email, ip="203.0.113.9")]) == [(302, DONE)]
    assert len(sent_mail()) == 1


def test_every_request_is_audited_as_anonymous_without_the_address_in_clear(merchant, settings):
    settings.PASSWORD_RESET_PER_IP_PER_HOUR = 4
    web = Client()
    for email in [merchant.email] * 4 + ["nobody@example.org", merchant.email]:
        ask(web, email)
    recorded = events()
    assert len(recorded) == 6
    assert [e.outcome for e in recorded].count("denied") == 3  # 1 per address, 2 per IP
    for event in recorded:
        assert event.actor_type == "anonymous"
        assert (event.ip, event.user_agent) == ("198.51.100.7", "probe/1.0")
        assert event.retention == "access"
        text = " ".join(
            str(getattr(event, f.attname)) for f in AuditEvent._meta.concrete_fields
        ).lower()
        for secret in (merchant.email, "nobody@example.org", "merchant@", "nobody@"):
            assert secret not in text
        assert set(json.loads(event.data)) <= {"email_digest", "limit"}


def test_the_budget_of_an_address_comes_back_after_the_hour(merchant, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+08:00", tick=False)
    web = Client()
    for _ in range(4):
        ask(web, merchant.email)
    assert len(sent_mail()) == 3
    time_machine.move_to("2026-03-02 12:00:00+08:00", tick=False)
    assert answers([ask(web, merchant.email)]) == [(302, DONE)]
    assert len(sent_mail()) == 4


def test_a_malformed_address_is_a_form_error_and_counts_nothing(settings):
    settings.PASSWORD_RESET_PER_IP_PER_HOUR = 1
    web = Client()
    assert ask(web, "not-an-address").status_code == 200
    assert events() == []
    assert answers([ask(web, "somebody@example.org")]) == [(302, DONE)]


def test_the_budgets_count_in_redis_as_in_production(merchant, settings):
    """Production keeps the counters in Redis (CACHES); the test settings in memory."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.redis_cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"reset-test-{merchant.pk}-{id(settings)}",
        }
    }
    try:
        responses = [ask(Client(), merchant.email) for _ in range(4)]
        assert answers(responses) == [(302, DONE)] * 4
        assert len(sent_mail()) == 3
    finally:  # only this test's keys: the broker's queues share the database
        client = cache._cache.get_client(write=True)
        mine = list(client.scan_iter(match=cache.make_key("*")))
        assert mine and client.delete(*mine)


def test_without_redis_no_mail_is_sent_and_the_form_says_to_come_back(merchant, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = ask(Client(), merchant.email)
    assert response.status_code == 503 and sent_mail() == []
    assert "密码重置暂时不可用" in response.content.decode()  # the default language
    event = events()[-1]
    assert (event.outcome, event.reason) == ("denied", "password_reset_throttle_unavailable")


def test_the_reset_email_is_queued_not_sent_in_the_request(merchant):
    """Sent in the request, the e-mail made a known address answer slower than an unknown
    one; queued, both answers do the same work (and a mail server outage loses nothing)."""
    from apps.workflow.models import OutboxItem

    assert ask(Client(), merchant.email).status_code == 302
    assert mail.outbox == []
    queued = OutboxItem.objects.get(topic="mail.send")
    assert queued.payload["to"] == [merchant.email]
    assert "/accounts/password/reset/" in queued.payload["body"]
    assert [m.to for m in sent_mail()] == [[merchant.email]]


def test_a_reset_link_works_once_and_each_refused_link_is_audited(merchant):
    """A used, forged or garbled reset link was refused with no record (security review
    2026-12-05): now a denied `accounts.password_reset_confirm`, token not kept."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(merchant.pk))
    token = default_token_generator.make_token(merchant)
    client = Client()
    step = client.get(f"{URL}{uid}/{token}/")
    assert step.status_code == 302  # the token moves into the session
    done = client.post(
        step["Location"], {"new_password1": "N3w-pass-2026!", "new_password2": "N3w-pass-2026!"}
    )
    assert done.status_code == 302

    again = Client().get(f"{URL}{uid}/{token}/")  # the token died with the old password
    assert again.status_code == 200 and not again.context["validlink"]
    assert Client().get(f"{URL}{uid}/forged-token/").status_code == 200
    assert Client().get(f"{URL}garbage/abc-def/").status_code == 200

    refused = AuditEvent.objects.filter(action="accounts.password_reset_confirm")
    assert [(e.outcome, e.reason) for e in refused] == [("denied", "reset_link_invalid")] * 3
    assert [e.target_id for e in refused.order_by("pk")] == [str(merchant.pk)] * 2 + [""]
    assert token not in json.dumps([e.data for e in refused])
