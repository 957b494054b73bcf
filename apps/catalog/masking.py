"""The default masking rules of fields (choices.MaskingRule), as pure functions.

Each takes the value as text and returns the masked text; `None` stays `None`.
`redact` removes the value entirely: callers drop the column.
"""

import hashlib
import hmac

from apps.catalog.choices import MaskingRule, PersonalInfo

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
    """At most the first 6 characters and never more than half of them: a short address
    is mostly house number. A fixed tail: the number of stars would hint at its length."""
    if not value:
        return value
    return value[: min(6, len(value) // 2)] + STAR * 4


def mask_hash(value: str, key: str, key_id: str = "") -> str:
    """A pseudonym: stable per key, so equal values can still be joined; 16 hex digits
    (64 bits), after the key's id when given ("k1:..."), so a rotation shows."""
    digest = hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:16]
    return f"{key_id}:{digest}" if key_id else digest


# How much of a value each rule lets through: a personal field accepts no rule weaker than
# its default (apps.catalog.validation).
STRENGTH = {
    MaskingRule.NONE: 0,
    MaskingRule.PARTIAL: 1,
    MaskingRule.ID_NUMBER: 1,
    MaskingRule.MOBILE: 1,
    MaskingRule.NAME: 1,
    MaskingRule.ADDRESS: 1,
    MaskingRule.BANK_CARD: 1,
    MaskingRule.EMAIL: 1,
    # Generalizations keep a coarse attribute and, unlike a pseudonym, link nothing.
    MaskingRule.BIRTH_YEAR: 2,
    MaskingRule.AGE_BAND: 2,
    MaskingRule.REGION: 2,
    MaskingRule.EMAIL_DOMAIN: 2,
    MaskingRule.HASH: 2,
    MaskingRule.REDACT: 3,
}


DEFAULT_MASKING = {
    PersonalInfo.PERSONAL: MaskingRule.PARTIAL,
    PersonalInfo.SENSITIVE: MaskingRule.REDACT,
}


def at_least_as_strong(rule: str, than: str) -> bool:
    return STRENGTH[MaskingRule(rule)] >= STRENGTH[MaskingRule(than)]


def effective_rule(rule: str, personal_info: str) -> str:
    """The rule applied when reading: the field's own, or its default if that is stronger
    (fields saved before the rule was enforced may carry a weaker one)."""
    default = DEFAULT_MASKING.get(personal_info)
    if default is not None and not at_least_as_strong(rule, default):
        return default
    return rule


# The rules added for delivery (bank card, e-mail, generalizations) are computed by
# apps.security.masking, which registers its function here at start-up: catalog sits below
# security and cannot import it. Unregistered, such a value is withheld (fail closed).
_delivery_masker = None


def register_delivery_masker(function) -> None:
    global _delivery_masker
    _delivery_masker = function


def mask_value(rule: str, value, *, key: str = "", key_id: str = "") -> str | None:
    if value is None or rule == MaskingRule.REDACT:
        return None
    text = value if isinstance(value, str) else str(value)
    if rule == MaskingRule.NONE:
        return text
    if rule == MaskingRule.HASH:
        return mask_hash(text, key, key_id)
    functions = {
        MaskingRule.PARTIAL: mask_partial,
        MaskingRule.ID_NUMBER: mask_id_number,
        MaskingRule.MOBILE: mask_mobile,
        MaskingRule.NAME: mask_name,
        MaskingRule.ADDRESS: mask_address,
    }
    if rule in functions:
        return functions[rule](text)
    return _delivery_masker(rule, text) if _delivery_masker else None
