"""Personas (after healthchecks: alice owns, charlie is an outsider) and shared fixtures.

regulator          signs in with TOTP; sees everything
provider           admin of a data provider agency
operator_admin     admin of an operating entity; operator_member is a plain member there
merchant           admin of a data merchant
outsider           admin of another merchant, who must never see the others' objects
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import totp
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.choices import OrganizationKind, Role
from tests.factories import member, totp_device

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters (and anything else cached) start empty in every test."""
    from django.core.cache import cache

    from apps.core.redis_cache import RedisCache
    from apps.delivery.quotas import PREFIX, counters

    cache.clear()
    # The rate and quota counters live in the real Redis, beside the broker's queues: only
    # they go, so no test meets the calls that an earlier test's grant of the same id spent.
    store = counters()
    if isinstance(store, RedisCache):
        client = store._cache.get_client(write=True)
        stale = list(client.scan_iter(match=store.make_key(f"{PREFIX}:*"), count=1000))
        if stale:
            client.delete(*stale)


@pytest.fixture(autouse=True)
def reference_data(request):
    """Vocabulary rows seeded by data migrations are wiped by a transactional test's
    flush; put them back for any test that uses the database."""
    if not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if "live_server" in request.fixturenames else "db")
    from apps.catalog.models import Theme

    if not Theme.objects.exists():
        import importlib

        seeded = importlib.import_module("apps.catalog.migrations.0002_themes").THEMES
        Theme.objects.bulk_create(Theme(code=c, name=n, name_en=e) for c, n, e in seeded)


@pytest.fixture
def regulator(db):
    user = member(OrganizationKind.REGULATOR, username="regulator")
    totp_device(user)
    return user


@pytest.fixture
def provider(db):
    return member(OrganizationKind.PROVIDER, username="provider")


@pytest.fixture
def operator_admin(db):
    return member(OrganizationKind.OPERATOR, username="operator_admin")


@pytest.fixture
def operator_member(operator_admin):
    return member(
        OrganizationKind.OPERATOR,
        role=Role.MEMBER,
        organization=operator_admin.organization,
        username="operator_member",
    )


@pytest.fixture
def merchant(db):
    return member(OrganizationKind.MERCHANT, username="merchant")


@pytest.fixture
def outsider(db):
    return member(OrganizationKind.MERCHANT, username="outsider")


def current_totp(user) -> str:
    device = user.totpdevice_set.filter(confirmed=True).first()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


@pytest.fixture
def web():
    """A browser-like Django test client (sessions, CSRF off as in Django's test client)."""
    from django.test import Client

    return Client()


def login_web(client, user, verify_otp: bool = True):
    """Signs a user in through the real login form (and the TOTP form for regulators)."""
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    if verify_otp and user.requires_two_factor:
        response = client.post("/accounts/otp/", {"token": current_totp(user)})
        assert response.status_code == 302
    return client


@pytest.fixture
def api():
    return APIClient()


def api_for(user) -> APIClient:
    """An API client holding a fresh key of the user's organization."""
    from apps.accounts.models import Membership

    admin = Membership.objects.filter(organization=user.organization, role=Role.ADMIN).first().user
    # A regulator's key must be IP-restricted; the test client calls from 127.0.0.1.
    limits = {"allowed_ips": ["127.0.0.1"]} if user.is_regulator else {}
    _key, raw = services.api_key_create(
        organization=user.organization, created_by=admin, name="t", **limits
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.raw_key = raw
    return client


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on Redis, pointed at the test database."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": (f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"),
    }
    from config.celery import app

    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        # Bindings left by an older queue layout (every queue on the key "default") would
        # still copy each message to every queue: Redis keeps them until they are deleted.
        stale = [k for k in client.keys("_kombu.binding.default") if k]
        if stale:
            client.delete(*stale)
        for queue in ("approvals", "ingest", "default"):
            conn.default_channel.queue_purge(queue)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.worker_app",
            "worker",
            "-Q",
            "approvals,ingest,default",
            "-c",
            "2",
            "--pool",
            "prefork",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    time.sleep(0.5)
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
