"""Reminders go through the outbox: the reminder row and its e-mail commit together, and a
mail server outage leaves the e-mail pending (retried) instead of losing it."""

import socket
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail

from apps.catalog import timers
from apps.catalog.models import ReminderSent
from apps.workflow.models import Notification, OutboxItem
from tests.workflow.helpers import run_outbox

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture
def registered(provider, regulator):
    from apps.catalog import services
    from tests.catalog.conftest import payload, register

    return register(services.resource_create(user=provider, data=payload()), provider, regulator)


def test_a_mail_server_outage_leaves_the_reminder_pending_then_it_is_sent(
    registered, provider, settings
):
    # given the mail server is down when the reminder is due (and the review decision's
    # e-mail is out of the way)
    OutboxItem.objects.filter(topic="mail.send").delete()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    due = registered.expires_at - timedelta(days=80)
    with time_machine.travel(due, tick=False):
        assert timers.run()["reminders"] == 1
        run_outbox()
    item = OutboxItem.objects.get(topic="mail.send")
    assert (item.status, item.attempts) == ("pending", 1)
    assert "Connection refused" in item.last_error or "ConnectionRefused" in item.last_error
    assert ReminderSent.objects.filter(resource=registered).exists()
    # when the server answers again and the retry is due
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(item.next_attempt_at + timedelta(seconds=1), tick=False):
        assert timers.run()["reminders"] == 0  # not claimed twice
        run_outbox()
        run_outbox()
    # then it is sent, once
    assert [m.to for m in mail.outbox] == [[provider.email]]
    item.refresh_from_db()
    assert (item.status, item.attempts) == ("done", 2)


def test_the_reminder_row_and_its_mail_commit_together(registered, monkeypatch):
    with (
        mock.patch("apps.workflow.notifications.mail_send_later", side_effect=RuntimeError("db")),
        time_machine.travel(registered.expires_at - timedelta(days=80), tick=False),
        pytest.raises(RuntimeError),
    ):
        timers.run()
    assert not ReminderSent.objects.exists()
    assert not OutboxItem.objects.filter(key__startswith="catalog.expiry").exists()
    assert not Notification.objects.filter(verb="catalog.resource.expiring").exists()


def test_a_notifications_mail_links_to_its_page_at_the_platforms_address(
    provider, regulator, settings
):
    """A reader opens the link from a mail client: the page's path alone opens nothing.
    The review decision's e-mail (a worker sends it) starts it with PLATFORM_URL."""
    from apps.catalog import services
    from tests.catalog.conftest import payload

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PLATFORM_URL = "https://data.example.gov.cn"
    resource = services.resource_create(user=provider, data=payload())
    services.resource_submit(resource=resource, user=provider)
    services.resource_start_review(resource=resource, reviewer=regulator)
    services.resource_approve(resource=resource, reviewer=regulator)
    run_outbox()
    sent = [m for m in mail.outbox if provider.email in m.to]
    assert sent, [m.subject for m in mail.outbox]
    link = f"https://data.example.gov.cn/portal/resources/{resource.pk}/"
    assert link in sent[-1].body.splitlines(), sent[-1].body
    # the notification in the portal keeps the path (the page is on the same site)
    assert Notification.objects.filter(link=f"/portal/resources/{resource.pk}/").exists()
