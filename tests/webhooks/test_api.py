"""/api/v1/webhooks/: admins manage, members read, the regulator reads, every other
organization sees nothing (an outsider test on every endpoint)."""

import pytest

from apps.audit.models import AuditEvent
from apps.webhooks import services
from tests.conftest import api_for
from tests.webhooks.conftest import endpoint_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks"


@pytest.fixture
def endpoint(loopback, merchant, receiver):
    return endpoint_for(merchant, receiver)[0]


@pytest.fixture
def delivery(endpoint, merchant):
    return services.endpoint_ping(endpoint=endpoint, user=merchant)


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(loopback, merchant, receiver):
    client = api_for(merchant)
    body = {"url": receiver.url, "event_types": ["agreement.status_changed"], "description": "x"}
    created = client.post(f"{BASE}/endpoints/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["secret"].startswith("whsec_")
    again = client.get(f"{BASE}/endpoints/{created.json()['id']}/")
    assert again.status_code == 200 and "secret" not in again.json()
    listed = client.get(f"{BASE}/endpoints/").json()["results"]
    assert [e["id"] for e in listed] == [created.json()["id"]]


def test_rotation_returns_the_new_secret_and_the_grace_end(endpoint, merchant):
    response = api_for(merchant).post(f"{BASE}/endpoints/{endpoint.pk}/rotate-secret/")
    assert response.status_code == 200
    assert response.json()["secret"] != endpoint.secret
    assert response.json()["previous_secret_expires_at"]


def test_update_ping_resend_and_delete(endpoint, merchant):
    client = api_for(merchant)
    patched = client.patch(f"{BASE}/endpoints/{endpoint.pk}/", {"description": "改"}, format="json")
    assert patched.status_code == 200 and patched.json()["description"] == "改"
    ping = client.post(f"{BASE}/endpoints/{endpoint.pk}/test-ping/")
    assert ping.status_code == 202 and ping.json()["event_type"] == "webhook.ping"
    pending = client.post(f"{BASE}/deliveries/{ping.json()['id']}/resend/")
    assert pending.status_code == 409 and pending.json()["code"] == "webhook_delivery_pending"
    detail = client.get(f"{BASE}/deliveries/{ping.json()['id']}/")
    assert detail.status_code == 200 and detail.json()["log"] == []
    assert client.delete(f"{BASE}/endpoints/{endpoint.pk}/").status_code == 204
    assert client.get(f"{BASE}/endpoints/{endpoint.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/in", "webhook_url_not_https"),
        ("https://10.0.0.8/in", "webhook_url_private_address"),
        ("https://169.254.169.254/latest", "webhook_url_private_address"),
    ],
)
def test_refused_urls_answer_their_code_and_are_audited(merchant, url, code):
    client = api_for(merchant)
    response = client.post(
        f"{BASE}/endpoints/", {"url": url, "event_types": ["webhook.ping"]}, format="json"
    )
    assert response.status_code == 422 and response.json()["code"] == code
    assert AuditEvent.objects.filter(outcome="denied", reason=code).exists()


def test_a_member_reads_but_cannot_manage(api, endpoint, delivery, merchant_member, receiver):
    client = api  # a session: an API key always acts with its creator's (admin) role
    client.force_login(merchant_member)
    assert client.get(f"{BASE}/endpoints/").json()["results"][0]["id"] == endpoint.pk
    assert client.get(f"{BASE}/deliveries/{delivery.pk}/").status_code == 200
    body = {"url": receiver.url, "event_types": ["webhook.ping"]}
    assert client.post(f"{BASE}/endpoints/", body, format="json").status_code == 403
    for path in ("rotate-secret/", "test-ping/"):
        assert client.post(f"{BASE}/endpoints/{endpoint.pk}/{path}").status_code == 403
    assert client.delete(f"{BASE}/endpoints/{endpoint.pk}/").status_code == 403
    assert client.post(f"{BASE}/deliveries/{delivery.pk}/resend/").status_code == 403


def test_an_outsider_sees_nothing_on_every_endpoint(endpoint, delivery, outsider):
    client = api_for(outsider)
    assert client.get(f"{BASE}/endpoints/").json()["results"] == []
    assert client.get(f"{BASE}/deliveries/").json()["results"] == []
    assert client.get(f"{BASE}/deliveries/?endpoint={endpoint.pk}").json()["results"] == []
    calls = [
        ("get", f"{BASE}/endpoints/{endpoint.pk}/"),
        ("patch", f"{BASE}/endpoints/{endpoint.pk}/"),
        ("delete", f"{BASE}/endpoints/{endpoint.pk}/"),
        ("post", f"{BASE}/endpoints/{endpoint.pk}/rotate-secret/"),
        ("post", f"{BASE}/endpoints/{endpoint.pk}/test-ping/"),
        ("get", f"{BASE}/deliveries/{delivery.pk}/"),
        ("post", f"{BASE}/deliveries/{delivery.pk}/resend/"),
    ]
    for method, path in calls:
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 404, (method, path, response.status_code)
    hidden = AuditEvent.objects.filter(outcome="denied", target_org_id=endpoint.organization_id)
    assert hidden.count() >= len(calls)


def test_a_provider_cannot_register_endpoints(provider, receiver, loopback):
    body = {"url": receiver.url, "event_types": ["webhook.ping"]}
    response = api_for(provider).post(f"{BASE}/endpoints/", body, format="json")
    assert response.status_code == 403


def test_the_regulator_reads_every_endpoint_but_manages_none(api, endpoint, delivery, regulator):
    from tests.conftest import login_web

    login_web(api, regulator)
    assert api.get(f"{BASE}/endpoints/{endpoint.pk}/").status_code == 200
    assert api.get(f"{BASE}/deliveries/{delivery.pk}/").status_code == 200
    assert api.post(f"{BASE}/endpoints/{endpoint.pk}/rotate-secret/").status_code == 403
    assert api.post(f"{BASE}/deliveries/{delivery.pk}/resend/").status_code == 403


def test_deliveries_filter_by_endpoint_and_status_and_validate_the_parameters(
    endpoint, delivery, merchant, django_assert_max_num_queries
):
    client = api_for(merchant)
    with django_assert_max_num_queries(12):
        rows = client.get(f"{BASE}/deliveries/?endpoint={endpoint.pk}&status=pending").json()
    assert [d["id"] for d in rows["results"]] == [delivery.pk]
    assert client.get(f"{BASE}/deliveries/?status=failed").json()["results"] == []
    for query in ("status=bogus", "endpoint=abc", "endpoint=-1", "page_size=0", "x=1"):
        response = client.get(f"{BASE}/deliveries/?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] in {"validation_error", "unknown_field"}


def test_event_types_are_listed(merchant):
    names = [t["name"] for t in api_for(merchant).get(f"{BASE}/event-types/").json()]
    assert {"agreement.status_changed", "qualification.decided", "webhook.ping"} <= set(names)


def test_anonymous_callers_are_refused(api, endpoint):
    assert api.get(f"{BASE}/endpoints/").status_code == 401
    assert api.get(f"{BASE}/deliveries/").status_code == 401


def test_hostile_input_gets_a_4xx_json_error(endpoint, merchant):
    client = api_for(merchant)
    for path in (f"{BASE}/endpoints/abc/", f"{BASE}/deliveries/{'9' * 25}/"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    for body in (
        {"url": "https://hooks.example.com/", "event_types": "webhook.ping"},
        {"url": None, "event_types": ["webhook.ping"]},
        {"url": "https://hooks.example.com/", "event_types": [], "secret": "mine"},
        {"url": "https://例子.测试/", "event_types": ["webhook.ping"]},
    ):
        response = client.post(f"{BASE}/endpoints/", body, format="json")
        assert 400 <= response.status_code < 500 and response.json()["code"], body
    assert client.put(f"{BASE}/endpoints/{endpoint.pk}/", {}, format="json").status_code == 405
