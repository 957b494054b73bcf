"""The name to show in the current language: `name_en` in the English UI where one exists
(organizations, resources, products, themes), the Chinese `name` otherwise; and a code's
label (`choice_label`)."""

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


def local_name(obj, field: str = "name") -> str:
    if obj is None:
        return ""
    if english_ui():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "") or ""
