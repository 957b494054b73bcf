"""The account commands an operator runs on the server are audited like the web's."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from apps.audit.models import AuditEvent
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_createsuperuser_is_audited_without_the_password():
    call_command(
        "createsuperuser",
        interactive=False,
        username="root2",
        email="root2@example.gov.cn",
        stdout=StringIO(),
    )
    event = AuditEvent.objects.get(action="user.create", actor_label="command:createsuperuser")
    assert '"username":[null,"root2"]' in event.changes
    assert "pbkdf2" not in event.changes


def test_changepassword_is_audited():
    from apps.accounts.choices import OrganizationKind

    user = member(OrganizationKind.MERCHANT, username="pw_user")
    with mock.patch("getpass.getpass", return_value="A-new-long-passphrase-2026"):
        call_command("changepassword", "pw_user", stdout=StringIO())
    event = AuditEvent.objects.get(action="user.password_change")
    assert event.target_id == str(user.pk)
    assert event.actor_label == "command:changepassword"
