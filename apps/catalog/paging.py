"""Opaque keyset cursors for ranked search results: (relevance tier, last id)."""

import base64
import binascii

from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import DomainError

_BIGINT = 2**63 - 1


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    status = 400
    default_message = _("The page cursor is not valid.")


def encode_cursor(tier: int, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{tier}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tier, last_id = (int(part) for part in raw.split(":"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor(details={"cursor": ["invalid"]}) from None
    if not (0 <= tier <= 1000 and 0 <= last_id <= _BIGINT):
        raise InvalidCursor(details={"cursor": ["invalid"]})
    return tier, last_id
