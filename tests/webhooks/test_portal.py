"""Portal pages: register (the secret shown once), edit, rotate, test, delete, the
delivery log and "send again"; members read, outsiders and providers are refused."""

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.webhooks import services
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import login_web
from tests.webhooks.conftest import endpoint_for
from tests.workflow.helpers import run_outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(loopback, merchant, receiver):
    return endpoint_for(merchant, receiver)[0]


def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(web, loopback, merchant, receiver):
    login_web(web, merchant)
    assert web.get("/portal/webhooks/").status_code == 200
    response = web.post(
        "/portal/webhooks/",
        {"url": receiver.url, "description": "订单", "event_types": ["agreement.status_changed"],
         "active": "on"},
    )  # fmt: skip
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 200 and endpoint.secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    page = web.get(f"/portal/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.url in page and endpoint.secret not in page


def test_a_refused_url_is_a_form_error_and_is_audited(web, merchant):
    login_web(web, merchant)
    response = web.post(
        "/portal/webhooks/", {"url": "http://hooks.example.com/", "event_types": ["webhook.ping"]}
    )
    assert response.status_code == 200 and "https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", reason="webhook_url_not_https").exists()


def test_rotate_ping_and_send_again_from_the_pages(web, endpoint, merchant, receiver):
    login_web(web, merchant)
    rotated = web.post(f"/portal/webhooks/{endpoint.pk}/rotate/")
    endpoint.refresh_from_db()
    assert rotated.status_code == 200 and endpoint.secret in rotated.content.decode()
    receiver.secret = endpoint.secret
    assert web.post(f"/portal/webhooks/{endpoint.pk}/ping/").status_code == 302
    delivery = WebhookDelivery.objects.get()
    run_outbox()
    page = web.get(f"/portal/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert "webhook.ping" in page
    assert web.post(f"/portal/webhooks/deliveries/{delivery.pk}/resend/").status_code == 302
    run_outbox()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    assert len(receiver.requests) == 2 and all(r["verified"] for r in receiver.requests)
    log = web.get(f"/portal/webhooks/{endpoint.pk}/?status=succeeded").content.decode()
    assert f"/portal/webhooks/deliveries/{delivery.pk}/" in log


def test_edit_and_delete(web, endpoint, merchant):
    login_web(web, merchant)
    response = web.post(
        f"/portal/webhooks/{endpoint.pk}/",
        {"url": endpoint.url, "description": "新描述", "event_types": ["qualification.decided"]},
    )
    endpoint.refresh_from_db()
    assert response.status_code == 302
    assert (endpoint.description, endpoint.event_types, endpoint.active) == (
        "新描述", ["qualification.decided"], False,
    )  # fmt: skip
    assert web.post(f"/portal/webhooks/{endpoint.pk}/delete/").status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_a_refused_url_and_missing_events_are_reported_together(web, merchant):
    # One round: the URL's refusal sits on its field beside the events' error.
    login_web(web, merchant)
    response = web.post("/portal/webhooks/", {"url": "http://hooks.example.com/"})
    form = response.context["form"]
    assert form.errors["url"] and form.errors["event_types"]
    assert not WebhookEndpoint.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", reason="webhook_url_not_https").exists()


def test_a_member_cannot_use_the_form_to_check_urls(web, merchant_member):
    # Only who may register an endpoint has its URL looked up (DNS): the rest are refused.
    login_web(web, merchant_member)
    response = web.post("/portal/webhooks/", {"url": "http://hooks.example.com/"})
    assert "url" not in response.context["form"].errors
    assert not AuditEvent.objects.filter(reason="webhook_url_not_https").exists()


def test_a_member_reads_the_log_but_has_no_buttons(web, endpoint, merchant, merchant_member):
    delivery = services.endpoint_ping(endpoint=endpoint, user=merchant)
    login_web(web, merchant_member)
    page = web.get(f"/portal/webhooks/{endpoint.pk}/").content.decode()
    assert "/rotate/" not in page and "/delete/" not in page
    assert web.get(f"/portal/webhooks/deliveries/{delivery.pk}/").status_code == 200
    assert web.post(f"/portal/webhooks/{endpoint.pk}/rotate/").status_code == 403
    assert web.post(f"/portal/webhooks/deliveries/{delivery.pk}/resend/").status_code == 403


def test_outsiders_get_404_and_providers_403(web, endpoint, merchant, outsider, provider):
    delivery = services.endpoint_ping(endpoint=endpoint, user=merchant)
    login_web(web, outsider)
    for method, path in [
        ("get", f"/portal/webhooks/{endpoint.pk}/"),
        ("post", f"/portal/webhooks/{endpoint.pk}/"),
        ("post", f"/portal/webhooks/{endpoint.pk}/rotate/"),
        ("post", f"/portal/webhooks/{endpoint.pk}/ping/"),
        ("post", f"/portal/webhooks/{endpoint.pk}/delete/"),
        ("get", f"/portal/webhooks/deliveries/{delivery.pk}/"),
        ("post", f"/portal/webhooks/deliveries/{delivery.pk}/resend/"),
    ]:
        assert getattr(web, method)(path).status_code == 404, path
    assert "订单" not in web.get("/portal/webhooks/").content.decode()
    other = login_web(Client(), provider)
    assert other.get("/portal/webhooks/").status_code == 403
