"""Notes the system writes into histories, review steps and objections ("Public notice
ended without objection.") are stored in the language active when they were written (a
timer writes in the default language). On display they are shown again in the reader's
language: a stored note that is one of these sentences, in any language, is translated
anew. People's own notes pass through unchanged."""

import functools
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

# Keep each msgid identical to the one its service passes to gettext.
FIXED = [
    gettext_noop("Public notice ended without objection."),
    gettext_noop("Registration validity ended."),
    gettext_noop("Withdrawn."),
    gettext_noop("The term ended."),
    gettext_noop("Suspension lifted."),
    gettext_noop("Replaced by a new step."),
    gettext_noop("Considered in review."),
    gettext_noop("Every review step approved."),
    gettext_noop("Approved by the checks."),
    gettext_noop("Checks passed."),
    gettext_noop("Reviewed facts changed: re-review due."),
    gettext_noop("Built-in defaults"),  # the first routing rule set (grants migration 0002)
]
PATTERNS = [
    gettext_noop("Replaced by version %(v)d."),
    gettext_noop("Agreement suspended: %(reason)s"),
    gettext_noop("Agreement %(number)s ended."),
    gettext_noop("Outside version %(v)d: %(why)s"),
    gettext_noop("Issued on the approval of application #%(id)d."),
]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[ds]")
_NUMBER = re.compile(r"%\((\w+)\)d")


def _regex(template: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(template)
    # split gives text, name, text, name, ...: names become named groups
    out = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(f"^{out}$", re.S)


@functools.cache
def _known() -> tuple[dict, list]:
    fixed, patterns = {}, []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            fixed.update({gettext(msgid): msgid for msgid in FIXED})
            patterns += [(_regex(gettext(msgid)), msgid) for msgid in PATTERNS]
    return fixed, patterns


def system_note(text: str) -> str:
    if not text:
        return text
    fixed, patterns = _known()
    if text in fixed:
        return gettext(fixed[text])
    for regex, msgid in patterns:
        match = regex.match(text)
        if match:
            numbers = set(_NUMBER.findall(msgid))  # a %d placeholder takes an int
            values = {
                k: int(v) if k in numbers and v.isdigit() else v
                for k, v in match.groupdict().items()
            }
            return gettext(msgid) % values
    return text
