"""URL converters. `<id:pk>` is Django's `<int:pk>` bounded to 18 digits, as the API's
routes are (`\\d{1,18}`): a longer number is no row's id, so it is a 404 before any view
runs, and never reaches the database, where SQLite cannot even bind it (OverflowError)."""

from django.urls import register_converter

ID_DIGITS = 18
ID_MAX = 2**63 - 1  # ids are bigints: a larger number in a body is a 400, not a database error


def parse_id(text: str) -> int | None:
    """`text` as an id (ASCII digits, at most ID_DIGITS of them), else None: a query
    parameter's id. str.isdigit() alone also accepts '²', which int() refuses."""
    if text.isascii() and text.isdigit() and len(text) <= ID_DIGITS:
        return int(text)
    return None


class IdConverter:
    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
