"""Webhook signing secrets are sealed at rest: they must be readable to sign, so they are
encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with keys that never live in the database.

WEBHOOKS_SECRET_KEYS lists Fernet keys, newest first: the first seals, all unseal, so a
key is rotated by putting a new one in front (`manage.py rotate_webhook_key` re-seals
every row). Without it, the key file WEBHOOKS_SECRET_KEY_FILE is used; local and test
modes create it on first use, production refuses to start without one of the two.
A stored value reads "f1:<token>"; a value without the prefix is a secret stored before
sealing existed (migration 0003 seals those).
"""

import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "f1:"


def _key_file() -> bytes:
    path = Path(settings.WEBHOOKS_SECRET_KEY_FILE)
    if not path.exists():
        if not settings.WEBHOOKS_SECRET_KEY_AUTOCREATE:
            raise ImproperlyConfigured(f"webhook secret key file {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two processes starting together must not write two keys
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
    return path.read_bytes().strip()


@cache
def sealer() -> MultiFernet:
    keys = [k.encode() for k in settings.WEBHOOKS_SECRET_KEYS] or [_key_file()]
    return MultiFernet([Fernet(key) for key in keys])


def seal(plain: str) -> str:
    return PREFIX + sealer().encrypt(plain.encode()).decode()


def unseal(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # stored before sealing existed
    try:
        return sealer().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "a webhook secret cannot be unsealed: WEBHOOKS_SECRET_KEYS lacks its key"
        ) from error


def reseal(stored: str) -> str:
    """The value sealed with the first (newest) key."""
    return seal(unseal(stored)) if stored else stored


class SealedField(models.TextField):
    """A text column the model reads as plain text and the database holds sealed."""

    def from_db_value(self, value, expression, connection):
        return unseal(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value or value.startswith(PREFIX):
            return value
        return seal(value)
