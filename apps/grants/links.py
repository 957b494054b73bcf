"""Where people see an application or a grant: the portal for merchants, operators and
providers, the console for the regulator."""

from django.urls import NoReverseMatch, reverse

from apps.accounts.choices import OrganizationKind


def page_for(kind: str, obj_name: str, pk: int) -> str:
    """`obj_name` is "application" or "grant"; the regulator's pages live in the console."""
    site = "console" if kind == OrganizationKind.REGULATOR else "portal"
    try:
        return reverse(f"{site}:{obj_name}_detail", args=[pk])
    except NoReverseMatch:  # a site without the page (yet): the notification has no link
        return ""
