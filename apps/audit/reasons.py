"""Refusal codes written as an event's reason ("grant_suspended", "not_visible") as a
sentence in the reader's language. The record keeps the code; a page shows the sentence
beside it. Codes of the layers below delivery are here; an upper app adds its own with
`reason_labels_register` in its AppConfig.ready() (delivery: the grant's access, exports
and sandbox queries). A reason that is no known code (a person's note) is not one of
these: `reason_label` returns None for it."""

from django.utils.translation import gettext_lazy as _

_labels = {
    # Sign-in, sessions and keys
    "bad_credentials": _("Wrong username or password."),
    "locked_out": _("Sign-in locked after repeated failures."),
    "otp_required": _("Two-factor verification is required."),
    "otp_wrong": _("The two-factor code was wrong, expired or already used."),
    "otp_throttled": _("Two-factor code tried while paused after wrong codes."),
    "otp_locked": _("Two-factor verification locked after repeated wrong codes."),
    "not_authenticated": _("Not signed in."),
    "authentication_failed": _("The credentials were not accepted."),
    "api_key_invalid": _("The API key was not accepted."),
    "key_cannot_create_keys": _("An API key cannot create keys."),
    "password_reset_throttled": _("Too many password reset requests."),
    "password_reset_throttle_unavailable": _("Password reset is unavailable for now."),
    "reset_link_invalid": _("The password reset link was invalid, expired or used already."),
    # Who may see or do what
    "not_visible": _("The object is not visible to this account."),
    "not_permitted": _("This account may not do this."),
    "permission_denied": _("You do not have permission to perform this action."),
    "not_regulator": _("Only regulators open the console."),
    "not_allowed": _("Only the product's operator or the regulator may do this."),
    "not_a_reviewer": _("Only reviewers decide."),
    "not_your_step": _("This review step is assigned to someone else."),
    "audit_immutable": _("Audit records cannot be changed or deleted."),
    # Requests refused as they are
    "transition_not_allowed": _("This action is not allowed in the object's current state."),
    "invalid": _("The input is not valid."),
    "validation_error": _("The input is not valid."),
    "unknown_field": _("The request holds a field that is not known."),
    "invalid_text": _("The text holds a character that cannot be stored."),
    "nul_character": _("The request holds a character that cannot be stored."),
    "control_character": _("The text holds a control character."),
    "malformed_json": _("The request body is not valid JSON."),
    "request_too_large": _("The request body is too large."),
    "method_not_allowed": _("The method is not allowed here."),
    "unsupported_media_type": _("The content type is not accepted."),
    "throttled": _("Too many requests."),
    "not_editable": _("Only a draft can be edited."),
    "already_decided": _("This review has already been decided."),
    "reason_required": _("A reason is required."),
    # Background work
    "annual_report_overdue": _("The annual report is overdue."),
    "invalid_data": _("The data did not pass the checks."),
    "endpoint_inactive": _("The webhook endpoint is switched off."),
}


def reason_labels_register(labels: dict) -> None:
    """Adds an upper app's codes (a code already known keeps its sentence)."""
    for code, label in labels.items():
        _labels.setdefault(code, label)


def reason_label(code: str) -> str | None:
    """The sentence of a refusal code, or None when `code` is not a known code."""
    label = _labels.get(code or "")
    return str(label) if label is not None else None
