from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core import controls
from apps.core.dates import date_in_range, range_params
from apps.core.jsonlimits import loads_bounded


class StrictSerializer(serializers.Serializer):
    """Rejects fields the endpoint does not know, instead of silently ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError(
                    {"unknown_fields": [_("Unknown field: %s") % name for name in unknown]}
                )
        return super().to_internal_value(data)


class _NoFields(StrictSerializer):
    pass


def body_without_fields(request) -> None:
    """For an action that takes no body (mark read, rotate a secret, send a ping...): the
    body is parsed all the same, so malformed JSON is 400 `malformed_json`, a field
    `unknown_field` and a list or null `validation_error`, as on every other endpoint,
    instead of being ignored. No body, or `{}`, passes."""
    _NoFields(data=request.data).is_valid(raise_exception=True)


class _TextOnly:
    """Takes text only. DRF's own text fields turn a JSON number into its digits
    (`{"name": 123}` stored "123", `{"reason": 1e3}` stored "1000.0"): a client's type
    error read as a value (open item D10). A number, a boolean, a list or an object is
    `invalid` ("Not a valid string.") here. Control characters are refused
    (apps.core.controls), tabs and line breaks too unless the field is `multiline`."""

    multiline = False

    def run_validation(self, data=serializers.empty):
        # Before DRF strips the value or takes blank text as empty.
        message = controls.refusal(data, multiline=self.multiline)
        if message:
            raise serializers.ValidationError(message, code=controls.CODE)
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(_TextOnly, serializers.CharField):
    """The API's text input (every writable text field: tests/core/test_strict_text.py),
    on a single line: a name, a title, a code, a tag."""


class TextField(CharField):
    """The API's multi-line text input (a description, a note, a reason, terms): tabs and
    line breaks are kept, other control characters refused as everywhere."""

    multiline = True


class EmailField(_TextOnly, serializers.EmailField):
    """The API's e-mail input: text only, as CharField."""


class SlugField(_TextOnly, serializers.SlugField):
    """The API's slug input: text only, as CharField."""


class URLField(_TextOnly, serializers.URLField):
    """The API's URL input: text only, as CharField."""


class JSONField(serializers.JSONField):
    """A JSON value. Sent as a form field of a multipart body (an upload's `mapping`), DRF
    hands the text to Python's unbounded `json.loads`: 100,000 `[` ended in
    RecursionError, a 500. Here it is read as the API's JSON bodies are (nesting,
    NUL, half surrogate pairs bounded), and refused as `invalid`."""

    def to_internal_value(self, data):
        if getattr(data, "is_json_string", False):
            try:
                return loads_bounded(data, max_depth=settings.API_JSON_MAX_DEPTH)
            except ValueError:
                self.fail("invalid")
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """DRF's, building the strict text fields above for the model's text columns (a
    TextField's multi-line)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: TextField,
        models.EmailField: EmailField,
        models.SlugField: SlugField,
        models.URLField: URLField,
    }


class ActorField(CharField):
    """The username of a history entry's actor; null for the system (a timer, a job)."""

    def __init__(self, **kwargs):
        super().__init__(
            source="actor.username", default=None, read_only=True, allow_null=True, **kwargs
        )


class DateTimeField(serializers.DateTimeField):
    """DRF's, refusing a moment that has no UTC equivalent: DRF converts an aware value
    (and refuses 'overflow') but takes a naive one as local time and checks it with a
    conversion that raises: '0001-01-01T00:00' (before year 1 in UTC at +08:00) was a 500."""

    def enforce_timezone(self, value):
        try:  # DRF's own check of a naive value (valid_datetime) raises it too
            value = super().enforce_timezone(value)
            value.astimezone(UTC)
        except OverflowError:
            self.fail("overflow")
        return value


class DateField(serializers.DateField):
    """DRF's, bounded to the platform's calendar (apps.core.dates): '9998-01-01' as an
    agreement's start was a 500 (its five-year bound fell beyond year 9999)."""

    default_error_messages = {"out_of_range": _("Enter a date from {min} to {max}.")}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not date_in_range(day):
            self.fail("out_of_range", **range_params())
        return day
