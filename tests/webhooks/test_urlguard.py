"""SSRF refusals with the test-only loopback setting off (its default), at registration
and again at send time (DNS rebinding)."""

import socket

import pytest

from apps.audit.models import AuditEvent
from apps.core.exceptions import InvalidInput
from apps.webhooks import services
from apps.webhooks.models import WebhookEndpoint
from apps.webhooks.urlguard import url_check
from tests.core.test_settings_modes import SECRET, clean_env, run
from tests.workflow.helpers import run_outbox

PUBLIC = "93.184.216.34"


@pytest.fixture
def dns(monkeypatch):
    """Answers every look-up with the addresses in `dns.answer`."""

    class Fake:
        answer = [PUBLIC]

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in Fake.answer]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return Fake


def code_of(url: str) -> str:
    with pytest.raises(InvalidInput) as error:
        url_check(url)
    return error.value.code


@pytest.mark.parametrize(
    "url", ["http://hooks.example.com/x", "ftp://hooks.example.com/", "http://127.0.0.1:9/"]
)
def test_only_https_urls_are_accepted(settings, url):
    assert settings.WEBHOOKS_ALLOW_INSECURE_LOOPBACK is False
    assert code_of(url) == "webhook_url_not_https"


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/", "https://localhost/", "https://10.1.2.3/", "https://172.16.0.1/",
        "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data/", "https://[::1]/",
        "https://[::ffff:127.0.0.1]/", "https://0.0.0.0/", "https://224.0.0.1/",
        "https://240.0.0.1/", "https://100.64.0.1/", "https://[fe80::1]/", "https://[fc00::1]/",
    ],
)  # fmt: skip
def test_private_loopback_link_local_multicast_reserved_and_unspecified_hosts_are_refused(url):
    assert code_of(url) == "webhook_url_private_address"


@pytest.mark.parametrize("answer", [["10.0.0.7"], [PUBLIC, "127.0.0.1"], ["169.254.169.254"]])
def test_a_name_resolving_to_any_private_address_is_refused(dns, answer):
    dns.answer = answer
    assert code_of("https://hooks.example.com/x") == "webhook_url_private_address"


def test_a_public_https_url_is_accepted_and_pinned_to_the_checked_address(dns):
    target = url_check("https://hooks.example.com:8443/in?x=1")
    assert (target.host, target.port, target.path, target.address, target.tls) == (
        "hooks.example.com", 8443, "/in?x=1", PUBLIC, True,
    )  # fmt: skip


@pytest.mark.parametrize(
    "url", ["https://user:pw@hooks.example.com/", "https:///x", "https://a:b/"]
)
def test_urls_with_credentials_or_without_a_host_are_invalid(url):
    assert code_of(url) == "webhook_url_invalid"


def test_the_loopback_setting_admits_only_127_0_0_1(settings):
    settings.WEBHOOKS_ALLOW_INSECURE_LOOPBACK = True
    assert url_check("http://127.0.0.1:8000/h").address == "127.0.0.1"
    assert code_of("http://localhost:8000/h") == "webhook_url_not_https"
    assert code_of("https://10.0.0.1/") == "webhook_url_private_address"


@pytest.mark.django_db
def test_registration_refusals_change_nothing(merchant):
    for url, code in [
        ("http://hooks.example.com/", "webhook_url_not_https"),
        ("https://192.168.0.10/", "webhook_url_private_address"),
    ]:
        with pytest.raises(InvalidInput) as error:
            services.endpoint_create(user=merchant, url=url, event_types=["webhook.ping"])
        assert error.value.code == code
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_host_that_rebinds_to_a_private_address_is_refused_at_send_time(dns, merchant, receiver):
    # given an endpoint registered while its name resolved to a public address
    endpoint, _ = services.endpoint_create(
        user=merchant, url="https://hooks.example.com/in", event_types=["webhook.ping"]
    )
    # when the name now answers a private address
    dns.answer = ["127.0.0.1"]
    delivery = services.endpoint_ping(endpoint=endpoint, user=merchant)
    run_outbox()
    # then nothing is sent, the delivery fails at once and the refusal is recorded
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error.startswith("webhook_url_private_address")
    event = AuditEvent.objects.get(action="webhooks.delivery.failed", target_id=str(delivery.pk))
    assert (event.outcome, event.reason) == ("denied", "webhook_url_private_address")
    assert receiver.requests == []


def test_production_refuses_the_loopback_setting(tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATA_DIR=str(tmp_path),
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="data.example.gov.cn",
        DATABASE_URL="postgres://app@db/platform",
        REDIS_URL="redis://redis:6379/0",
        AUDIT_SIGNING_KEY_FILE=str(tmp_path / "audit-signing-key.pem"),
        CATALOG_PSEUDONYM_KEYS="p1=" + "y" * 40,
        CATALOG_PSEUDONYM_KEY_ID="p1",
        WEBHOOKS_SECRET_KEY_FILE=str(tmp_path / "webhook-secret-key"),
        WEBHOOKS_ALLOW_INSECURE_LOOPBACK="true",
    )
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "WEBHOOKS_ALLOW_INSECURE_LOOPBACK" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/数据",
        "https://hooks.example.com/in?q=é",
        "https://hooks.example.com/a b",
        "https://hooks.example.com/a\r\nX-Injected: 1",
        "https://hooks.example.com/a\x7f",
    ],
)
def test_a_path_http_client_cannot_send_is_invalid(dns, url):
    assert code_of(url) == "webhook_url_invalid"


def test_a_unicode_host_name_and_a_percent_encoded_path_are_accepted(dns):
    assert url_check("https://数据.example.cn/%E6%95%B0").path == "/%E6%95%B0"


@pytest.mark.django_db
def test_a_stored_url_with_a_unicode_path_fails_its_delivery_cleanly(dns, merchant, receiver):
    # A row registered before the check: the worker raised UnicodeEncodeError at every
    # attempt (a traceback each time), logged no attempt and left the delivery pending.
    endpoint, _ = services.endpoint_create(
        user=merchant, url="https://hooks.example.com/in", event_types=["webhook.ping"]
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="https://hooks.example.com/数据")
    delivery = services.endpoint_ping(endpoint=endpoint, user=merchant)
    run_outbox()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error.startswith("webhook_url_invalid")
    assert receiver.requests == []


@pytest.mark.parametrize(
    "address", ["2002:7f00:1::", "2002:a00:1::1", "2002:a9fe:a9fe::", "fec0::1"]
)
def test_6to4_wrappers_of_private_addresses_and_site_local_ones_are_refused(dns, address):
    """ipaddress calls these global (security review 2026-12-05)."""
    dns.answer = [address]
    assert code_of("https://hooks.example.com/") == "webhook_url_private_address"


def test_a_public_6to4_address_is_still_accepted(dns):
    dns.answer = ["2002:5db8:d822::1"]  # 6to4 of 93.184.216.34
    assert url_check("https://hooks.example.com/").address == "2002:5db8:d822::1"


def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_timeout(settings):
    """Each wait was bounded, not the exchange: a receiver sending a header line every
    half second held the worker for as long as it kept going (20 s here)."""
    import threading
    import time

    from apps.webhooks.urlguard import Target, post

    settings.WEBHOOKS_TIMEOUT_SECONDS = 1.0
    server = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def trickle():
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not done.wait(0.3):
                try:
                    conn.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    return

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    started = time.monotonic()
    try:
        with pytest.raises(TimeoutError):
            post(Target("127.0.0.1", port, "/", "127.0.0.1", False), b"{}", {})
        assert time.monotonic() - started < 3
    finally:
        done.set()
        thread.join(5)
        server.close()
