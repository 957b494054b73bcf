"""The masking policy of fields (choices.MaskingRule): which rule is at least as strong as
another, the default of each kind of personal information, and the rule applied when
reading. `redact` removes the value entirely: callers drop the column.
"""

from apps.catalog.choices import MaskingRule, PersonalInfo

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


# The masks themselves are computed by apps.security.masking (one implementation for the
# catalog preview, the record API, exports and the sandbox), which registers its function
# here at start-up: catalog sits below security and cannot import it. Unregistered, every
# masked value is withheld (fail closed).
_masker = None


def register_delivery_masker(function) -> None:
    global _masker
    _masker = function


def mask_value(rule: str, value) -> str | None:
    """`value` as a reader of a field with `rule` sees it (None: withheld)."""
    if value is None or rule == MaskingRule.REDACT:
        return None
    text = value if isinstance(value, str) else str(value)
    if rule == MaskingRule.NONE:
        return text
    return _masker(rule, text) if _masker else None
