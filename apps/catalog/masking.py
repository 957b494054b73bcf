"""The default masking rules of fields (choices.MaskingRule), as pure functions.

Each takes the value as text and returns the masked text; `None` stays `None`.
`redact` removes the value entirely: callers drop the column.
"""

import hashlib
import hmac

from apps.catalog.choices import MaskingRule

STAR = "*"
# Two-character family names; every other Chinese name keeps its first character.
COMPOUND_SURNAMES = frozenset(
    {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容"}
    | {"长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门"}
)


def _keep(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return STAR * len(value)
    return value[:head] + STAR * (len(value) - head - tail) + (value[-tail:] if tail else "")


def mask_partial(value: str) -> str:
    if len(value) <= 2:
        return value[:1] + STAR * (len(value) - 1)
    return value[0] + STAR * (len(value) - 2) + value[-1]


def mask_id_number(value: str) -> str:
    return _keep(value, 6, 4)


def mask_mobile(value: str) -> str:
    return _keep(value, 3, 4)


def mask_name(value: str) -> str:
    value = value.strip()
    if " " in value:  # Latin-script names: keep the family name, written last
        *given, family = value.split()
        return " ".join(STAR * len(part) for part in given) + " " + family
    keep = 2 if value[:2] in COMPOUND_SURNAMES and len(value) > 2 else 1
    return value[:keep] + STAR * (len(value) - keep)


def mask_address(value: str) -> str:
    # A fixed tail: the number of stars would otherwise hint at the house number.
    return value[:6] + STAR * 4 if len(value) > 6 else value


def mask_hash(value: str, key: str) -> str:
    """Stable per key, so equal values can still be joined; 16 hex digits (64 bits)."""
    digest = hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def mask_value(rule: str, value, *, key: str = "") -> str | None:
    if value is None or rule == MaskingRule.REDACT:
        return None
    text = value if isinstance(value, str) else str(value)
    if rule == MaskingRule.NONE:
        return text
    if rule == MaskingRule.HASH:
        return mask_hash(text, key)
    functions = {
        MaskingRule.PARTIAL: mask_partial,
        MaskingRule.ID_NUMBER: mask_id_number,
        MaskingRule.MOBILE: mask_mobile,
        MaskingRule.NAME: mask_name,
        MaskingRule.ADDRESS: mask_address,
    }
    return functions[rule](text)
