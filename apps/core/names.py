"""The name to show in the current language: `name_en` in the English UI where one exists
(organizations, resources, products, themes), the Chinese `name` otherwise; a code's
label (`choice_label`); and the punctuation that differs between the two languages
(`listing`, `colon`, `in_parentheses`)."""

from collections.abc import Mapping
from functools import partial

from django.utils.translation import get_language


def english_ui() -> bool:
    return (get_language() or "").lower().startswith("en")


def choice_label(choices, value) -> str:
    """The label of `value` in a TextChoices, in the current language; a value outside the
    vocabulary (an older code, a typo in stored data) as itself."""
    return choices(value).label if value in choices.values else value


def listing(items) -> str:
    """Words in a row: joined by the enumeration comma (、) in the Chinese UI, `, ` in
    English (codes and addresses are joined with `, ` as they are)."""
    return (", " if english_ui() else "、").join(str(item) for item in items or ())


def colon() -> str:
    """The colon after a label: full-width in the Chinese UI (it carries its own space),
    `: ` in English."""
    return ": " if english_ui() else "："


def in_parentheses(text) -> str:
    """An aside after a word, e.g. a code after its label: ` (text)` in English, `（text）`
    in the Chinese UI (full-width parentheses carry their own space)."""
    return f" ({text})" if english_ui() else f"（{text}）"


def local_name(obj, field: str = "name") -> str:
    """`obj` is a model instance or a dict with the same keys (a stored snapshot)."""
    if obj is None:
        return ""
    read = obj.get if isinstance(obj, Mapping) else partial(getattr, obj)
    if english_ui():
        english = read(f"{field}_en", "")
        if english:
            return english
    return read(field, "") or ""
