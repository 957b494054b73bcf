"""The API's JSON parser: bounded nesting and no NUL characters (PostgreSQL refuses them)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from apps.core.jsonlimits import JsonTooDeep, JsonWithNul, JsonWithSurrogate, loads_bounded


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read() if stream is not None else b""
        try:
            return loads_bounded(body, max_depth=settings.API_JSON_MAX_DEPTH)
        except JsonTooDeep:
            raise ParseError(
                _("The JSON body is nested more than %(depth)d levels deep.")
                % {"depth": settings.API_JSON_MAX_DEPTH},
                code="json_too_deep",
            ) from None
        except JsonWithNul:
            raise ParseError(
                _("Text may not contain NUL characters."), code="nul_character"
            ) from None
        except JsonWithSurrogate:
            raise ParseError(
                _("Text may not contain half of a UTF-16 surrogate pair."), code="invalid_text"
            ) from None
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
