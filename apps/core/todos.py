"""A to-do on a home page (console or portal): a label, a live count and the list behind
it, filtered; `link` builds that list's URL, or None while the page does not exist."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


def link(name: str, *args, **query) -> str | None:
    """The URL of a page with a query string, or None while the page does not exist."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int
    url: str | None
    urgent: bool = False
