"""The key that pseudonyms (the `hash` masking rule) are made with.

Its own setting, never SECRET_KEY: rotating the site secret (sessions, password reset
links) must not change every pseudonym that data users have already joined on.
CATALOG_PSEUDONYM_KEYS maps key ids to secrets; CATALOG_PSEUDONYM_KEY_ID names the one in
use, and its id is written in front of every pseudonym, so a rotation is visible.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PseudonymKey:
    id: str
    secret: str


def current_pseudonym_key() -> PseudonymKey:
    key_id = settings.CATALOG_PSEUDONYM_KEY_ID
    secret = settings.CATALOG_PSEUDONYM_KEYS.get(key_id, "")
    if not key_id or not secret:
        raise ImproperlyConfigured(
            "CATALOG_PSEUDONYM_KEY_ID must name a key listed in CATALOG_PSEUDONYM_KEYS"
        )
    return PseudonymKey(key_id, secret)
