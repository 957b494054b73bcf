"""The name to show in the current language: `name_en` in the English UI where one exists
(organizations, resources, products, themes), the Chinese `name` otherwise."""

from django.utils.translation import get_language


def english_ui() -> bool:
    return (get_language() or "").lower().startswith("en")


def local_name(obj, field: str = "name") -> str:
    if obj is None:
        return ""
    if english_ui():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "") or ""
