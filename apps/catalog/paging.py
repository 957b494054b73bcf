"""Opaque keyset cursors for ranked search results: (relevance tier, last id)."""

import base64
import binascii

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import InvalidInput


def encode_cursor(tier: int, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{tier}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tier, last_id = (int(part) for part in raw.split(":"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            _("The page cursor is not valid."), details={"cursor": ["invalid"]}
        ) from None
    return tier, last_id
