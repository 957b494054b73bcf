"""Business rules on resource metadata, shared by every surface through the services."""

import re

from django.utils.translation import gettext as _

from apps.catalog.choices import (
    Classification,
    DataFormat,
    FieldType,
    MaskingRule,
    OpenType,
    PersonalInfo,
    UpdateFrequency,
)
from apps.catalog.masking import DEFAULT_MASKING, at_least_as_strong
from apps.catalog.models import Theme
from apps.core.exceptions import InvalidInput

FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# The most fields a resource may describe (a register table, not a whole warehouse): the
# web form, the API and this check all stop there.
MAX_FIELDS = 500
MAX_TAGS, TAG_CHARS = 30, 50
CHOICES = {
    "classification": Classification,
    "open_type": OpenType,
    "update_frequency": UpdateFrequency,
    "data_format": DataFormat,
}
FIELD_CHOICES = {"data_type": FieldType, "personal_info": PersonalInfo, "masking": MaskingRule}


def clean_metadata(data: dict) -> dict:
    """Checks and normalizes a full metadata snapshot; raises InvalidInput with field errors."""
    errors: dict[str, list[str]] = {}
    data = dict(data)
    if not str(data.get("name") or "").strip():
        errors["name"] = [_("This field is required.")]
    for key, choices in CHOICES.items():
        if key in data and data[key] not in choices.values:
            errors[key] = [_("'%(value)s' is not a valid choice.") % {"value": data[key]}]
    grade = data.get("general_grade")
    if grade is not None:
        if data.get("classification") != Classification.GENERAL:
            errors["general_grade"] = [_("Only general data carries a grade.")]
        elif not 1 <= int(grade) <= 4:
            errors["general_grade"] = [_("The grade of general data is 1 to 4.")]
    start, end = data.get("temporal_start"), data.get("temporal_end")
    if start and end and str(start) > str(end):
        errors["temporal_end"] = [_("The end of the temporal coverage is before its start.")]
    themes = data.get("themes") or []
    known = set(Theme.objects.filter(code__in=themes).values_list("code", flat=True))
    if set(themes) - known:
        errors["themes"] = [_("Unknown theme: %s") % ", ".join(sorted(set(themes) - known))]
    data["tags"] = [str(t).strip() for t in data.get("tags") or [] if str(t).strip()]
    if len(data["tags"]) > MAX_TAGS or any(len(tag) > TAG_CHARS for tag in data["tags"]):
        # As the API takes them (the web form's text was split into tags of any length).
        errors["tags"] = [
            _("At most %(count)d names of at most %(n)d characters each.")
            % {"count": MAX_TAGS, "n": TAG_CHARS}
        ]
    data["fields"], field_errors = _clean_fields(data.get("fields") or [])
    if field_errors:
        errors["fields"] = field_errors
    if errors:
        raise InvalidInput(_("The resource description is not valid."), details=errors)
    return data


def _clean_fields(fields: list[dict]) -> tuple[list[dict], list[str]]:
    errors, seen, cleaned = [], set(), []
    if not fields:
        errors.append(_("A resource needs at least one field."))
    if len(fields) > MAX_FIELDS:
        return [], [_("A resource has at most %d fields.") % MAX_FIELDS]
    for position, raw in enumerate(fields, start=1):
        field = dict(raw)
        name = str(field.get("name") or "").strip()
        field["name"] = name
        field["label"] = str(field.get("label") or name).strip()
        field["label_en"] = str(field.get("label_en") or "").strip()
        if not FIELD_NAME.match(name):
            errors.append(
                _("Field %(n)d: '%(name)s' is not a valid field name (letters, digits, _).")
                % {"n": position, "name": name}
            )
        elif name.lower() in seen:
            errors.append(
                _("Field %(n)d: duplicate field name '%(name)s'.") % {"n": position, "name": name}
            )
        seen.add(name.lower())
        for key, choices in FIELD_CHOICES.items():
            if key in field and field[key] not in choices.values:
                errors.append(
                    _("Field %(n)d: '%(value)s' is not a valid %(key)s.")
                    % {"n": position, "value": field[key], "key": key}
                )
        pi = field.get("personal_info", PersonalInfo.NONE)
        # Personal information is masked by default; the provider may pick a stronger rule,
        # never a weaker one.
        if pi in DEFAULT_MASKING and field.get("masking", MaskingRule.NONE) == MaskingRule.NONE:
            field["masking"] = DEFAULT_MASKING[pi]
        elif (
            pi in DEFAULT_MASKING
            and field.get("masking") in MaskingRule.values
            and not at_least_as_strong(field["masking"], DEFAULT_MASKING[pi])
        ):
            errors.append(
                _("Field %(n)d: %(pi)s must be masked at least as strongly as '%(rule)s'.")
                % {
                    "n": position,
                    "pi": PersonalInfo(pi).label,
                    "rule": MaskingRule(DEFAULT_MASKING[pi]).label,
                }
            )
        cleaned.append(field)
    return cleaned, errors
