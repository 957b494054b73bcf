"""A web form posted without its CSRF token (a forged cross-site post) is refused with the
platform's own 403 page, writes nothing, and is audited like every other denial."""

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.webhooks.models import WebhookEndpoint
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")


def test_a_form_post_without_its_token_is_refused_audited_and_writes_nothing(browser, merchant):
    browser.force_login(merchant)
    response = browser.post(
        "/portal/webhooks/",
        {"url": "https://hooks.example.org/in", "event_types": ["webhook.ping"]},
        HTTP_ORIGIN="https://evil.example\u202e.com",
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="error-403"' in page and 'class="topbar"' in page  # not Django's bare page
    assert "Reload the page" in page
    assert not WebhookEndpoint.objects.exists()
    event = AuditEvent.objects.get(action="web.csrf")
    assert (event.outcome, event.reason) == ("denied", "csrf_failed")
    assert event.actor_id == str(merchant.pk)
    data = event.data
    assert '"path":"/portal/webhooks/"' in data and '"status":403' in data
    assert "\u202e" not in data  # the quoted Origin is cleaned before it is recorded


def test_a_sign_in_post_without_its_token_is_audited_too(browser, merchant):
    response = browser.post(
        "/accounts/login/", {"username": merchant.username, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert 'id="error-403"' in response.content.decode()
    assert AuditEvent.objects.filter(action="web.csrf", outcome="denied").count() == 1
    assert "_auth_user_id" not in browser.session
