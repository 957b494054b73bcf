"""A real local HTTP receiver (http.server in a thread) that verifies every signature
with the algorithm the README documents, and webhook fixtures for the personas."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.accounts.choices import Role
from apps.webhooks import services
from tests.factories import member
from tests.operators.conftest import (  # noqa: F401  (fixtures)
    _files_dir,
    draft_agreement,
    profile,
    resources,
)
from tests.workflow.worker import private_queues  # noqa: F401  (a fixture)


def receiver_verifies(secret: str, headers, body: bytes) -> bool:
    """The README recipe, written out again here on purpose: what a receiver runs."""
    timestamp = headers["X-Webhook-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    given = [p.strip()[3:] for p in headers["X-Webhook-Signature"].split(",")]
    return any(hmac.compare_digest(expected, g) for g in given)


class Receiver:
    """Answers `statuses` in turn (then `status`); 401 to a request whose signature does
    not verify with `secret`. Keeps every request it got."""

    def __init__(self):
        self.secret = ""
        self.status = 200
        self.delay = 0.0  # seconds before answering
        self.statuses: list[int] = []
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                verified = bool(receiver.secret) and receiver_verifies(
                    receiver.secret, self.headers, body
                )
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.status
                if not verified:
                    status = 401
                receiver.requests.append(
                    {
                        "headers": dict(self.headers),
                        "body": body,
                        "json": json.loads(body),
                        "verified": verified,
                        "status": status,
                        "path": self.path,
                    }
                )
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.url + "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/platform"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback(settings):
    """The test-only setting that lets http://127.0.0.1 receive deliveries."""
    settings.WEBHOOKS_ALLOW_INSECURE_LOOPBACK = True
    return settings


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def merchant_member(merchant):
    return member(
        merchant.org_kind, role=Role.MEMBER, organization=merchant.organization,
        username="merchant_member",
    )  # fmt: skip


def endpoint_for(user, receiver, event_types=("webhook.ping",)):
    """An endpoint of the user's organization pointing at the receiver, which learns
    its secret."""
    endpoint, secret = services.endpoint_create(
        user=user, url=receiver.url, event_types=list(event_types), description="test"
    )
    receiver.secret = secret
    return endpoint, secret
