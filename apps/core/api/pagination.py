"""Cursor pages for every API list; a cursor the server did not write is a 400."""

import re

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination

_BASE64 = re.compile(r"[A-Za-z0-9+/=_-]{1,512}")
# PostgreSQL bigint: a position outside it would fail in the database, not here.
_BIGINT = (-(2**63), 2**63 - 1)


class InvalidCursor(exceptions.APIException):
    status_code = 400
    default_detail = _("The page cursor is not valid.")
    default_code = "invalid_cursor"


class CursorPagination(pagination.CursorPagination):
    """Stable cursor pages, newest first by default; `page_size` capped at 200.

    DRF trusts the cursor's position and lets a forged one reach the ORM (500); here it
    is checked against the ordering column's type first.
    """

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200
    _model = None

    def paginate_queryset(self, queryset, request, view=None):
        self._model = getattr(queryset, "model", None)
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError):
            raise InvalidCursor() from None

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is not None and not _BASE64.fullmatch(encoded):
            raise InvalidCursor()  # b64decode would silently drop the junk
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise InvalidCursor() from None
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _check_position(self, position: str) -> None:
        ordering = self.ordering if isinstance(self.ordering, list | tuple) else [self.ordering]
        name = ordering[0].lstrip("-")
        try:
            field = self._model._meta.get_field("pk" if name == "pk" else name)
        except (AttributeError, FieldDoesNotExist):
            return
        if name == "pk":
            field = self._model._meta.pk
        try:
            value = field.to_python(position)
        except (DjangoValidationError, ValueError, TypeError):
            raise InvalidCursor() from None
        integer = isinstance(field, models.IntegerField | models.AutoField)
        if integer and not (_BIGINT[0] <= int(value) <= _BIGINT[1]):
            raise InvalidCursor()
