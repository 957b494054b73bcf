"""Control characters refused in text input, on the web forms and on the API alike.

A single-line value (a name, a title, a number or code, a username, a tag, a password)
holds none: no C0 control (tab and line breaks included), DEL, C1 control, Unicode line or
paragraph separator, nor bidi embedding, override or isolate, which would reorder or hide
what a reader of a page, a list or an export sees. A multi-line value (a description, a
note, terms, a comment) keeps tab, line feed and carriage return, and nothing else of them.
NUL stays Django's and DRF's own refusal (and the JSON parser's), with its own message.

The raw value is checked, before a field strips it: a trailing line break is refused as
well, not silently cut. The code of the refusal is `control_character`; the API's error
body carries it when it is the only problem (apps.core.api.errors).

Web: every django.forms.CharField (e-mail, URL, slug, username and password fields are
CharFields too), in every form, the admin's included (`install`, run once by
CoreConfig.ready()); a Textarea widget makes the field multi-line. API: the project's
text fields (apps.core.api.serializers: CharField, single-line, and TextField, which a
model's TextField maps to, multi-line), which every writable text field of the API is.
"""

import re

from django.utils.translation import gettext_lazy as _

CODE = "control_character"

# C0 but NUL, DEL, C1, the line and paragraph separators, and the bidi embeddings,
# overrides and isolates (apps.core.printable blanks the same ones in the logs).
_CONTROLS = "\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_IN_TEXT = re.compile(f"[{_CONTROLS}]")
_ON_ONE_LINE = re.compile(f"[{_CONTROLS}\t\n\r]")

SINGLE_LINE_MESSAGE = _(
    "Enter a single line: tabs, line breaks and other control characters "
    "(here %(char)s) are not allowed."
)
MULTI_LINE_MESSAGE = _(
    "Control characters other than tabs and line breaks (here %(char)s) are not allowed."
)


def control_character(value: str, *, multiline: bool) -> str | None:
    """The first character of `value` that its kind of field refuses, or None."""
    match = (_IN_TEXT if multiline else _ON_ONE_LINE).search(value)
    return match.group() if match else None


def refusal(value, *, multiline: bool) -> str | None:
    """The message refusing `value` (text) in the current language, or None when it is
    fine (and for anything but text, which the field's own checks handle)."""
    if not isinstance(value, str):
        return None
    char = control_character(value, multiline=multiline)
    if char is None:
        return None
    message = MULTI_LINE_MESSAGE if multiline else SINGLE_LINE_MESSAGE
    return str(message) % {"char": f"U+{ord(char):04X}"}


def install() -> None:
    """Every form's CharField refuses control characters in its raw value (once; a
    disabled field, which shows a stored value the user cannot change, is left alone)."""
    from django import forms

    if getattr(forms.CharField.to_python, "refuses_controls", False):
        return
    django_to_python = forms.CharField.to_python

    def to_python(self, value):
        if not self.disabled:
            message = refusal(value, multiline=isinstance(self.widget, forms.Textarea))
            if message:
                raise forms.ValidationError(message, code=CODE)
        return django_to_python(self, value)

    to_python.refuses_controls = True
    forms.CharField.to_python = to_python
