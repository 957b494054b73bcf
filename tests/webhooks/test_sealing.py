"""Signing secrets are sealed at rest: the database never holds them in plain text, the
sender still signs with them, and a key rotation re-seals them."""

from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from apps.webhooks import sealing
from apps.webhooks.models import WebhookEndpoint
from tests.webhooks.conftest import endpoint_for

pytestmark = pytest.mark.django_db


def stored(endpoint) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhookendpoint WHERE id = %s", [endpoint.pk])
        return cursor.fetchone()[0]


def test_the_secret_is_sealed_in_the_database_and_plain_on_the_model(loopback, merchant, receiver):
    endpoint, _secret = endpoint_for(merchant, receiver, ["agreement.status_changed"])
    plain = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    raw = stored(endpoint)
    assert raw.startswith(sealing.PREFIX) and plain not in raw
    assert sealing.unseal(raw) == plain


def test_rotation_reseals_with_the_new_key_and_the_old_key_can_go(
    loopback, merchant, receiver, settings
):
    endpoint, _secret = endpoint_for(merchant, receiver, ["agreement.status_changed"])
    plain = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    new_key = Fernet.generate_key().decode()
    old_key = Path(settings.WEBHOOKS_SECRET_KEY_FILE).read_text().strip()
    settings.WEBHOOKS_SECRET_KEYS = [new_key, old_key]
    sealing.sealer.cache_clear()
    try:
        call_command("rotate_webhook_key", stdout=StringIO())
        settings.WEBHOOKS_SECRET_KEYS = [new_key]
        sealing.sealer.cache_clear()
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == plain
    finally:
        settings.WEBHOOKS_SECRET_KEYS = []
        sealing.sealer.cache_clear()


def test_a_secret_stored_before_sealing_still_reads_and_the_migration_seals_it(
    loopback, merchant, receiver
):
    import importlib

    endpoint, _secret = endpoint_for(merchant, receiver, ["agreement.status_changed"])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE webhooks_webhookendpoint SET secret = 'legacy-plain' WHERE id = %s",
            [endpoint.pk],
        )
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == "legacy-plain"
    migration = importlib.import_module("apps.webhooks.migrations.0003_seal_existing_secrets")

    class Editor:
        pass

    class FakeApps:
        def get_model(self, app, name):
            return WebhookEndpoint

    editor = Editor()
    editor.connection = connection
    migration.forwards(FakeApps(), editor)
    assert stored(endpoint).startswith(sealing.PREFIX)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == "legacy-plain"
