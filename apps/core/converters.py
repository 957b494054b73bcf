"""URL converters. `<id:pk>` is Django's `<id:pk>` bounded to 18 digits, as the API's
routes are (`\\d{1,18}`): a longer number is no row's id, so it is a 404 before any view
runs, and never reaches the database, where SQLite cannot even bind it (OverflowError)."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
