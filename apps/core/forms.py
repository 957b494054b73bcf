"""How a web page shows a service's refusal, and records it: every denial is audited."""

from datetime import UTC

from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy

from apps.core import controls
from apps.core.converters import parse_id
from apps.core.dates import date_in_range, range_params
from apps.core.denials import record_denial
from apps.core.exceptions import DomainError, InvalidInput


class NoteForm(forms.Form):
    """The optional note behind an action button (portal and console share it)."""

    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def posted_text(request, name: str) -> str:
    """A free-text field behind an action button (a note, a reason) read from the POST
    body with a form's checks: no NUL character, which PostgreSQL cannot store, and no
    control character but tabs and line breaks (it is multi-line). A refused value raises
    InvalidInput, which the page answers with its message (a 4xx)."""
    field = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    try:
        return field.clean(request.POST.get(name, ""))
    except forms.ValidationError as error:
        codes = {item.code for item in error.error_list}
        code = controls.CODE if controls.CODE in codes else "invalid_text"
        raise InvalidInput(error.messages[0], code=code, details={name: error.messages}) from None


def record_web_refusal(request, error: DomainError) -> None:
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else "unknown"
    record_denial(
        action=f"web.{view}",
        reason=error.code,
        request=request,
        data={"method": request.method, "path": request.path, "status": error.status},
    )


def _messages(problems, names: dict | None) -> list[str]:
    """A service's details as plain sentences: nested details (per item of a list, keyed
    by id or position) become "item: message", never a printed Python structure."""
    if isinstance(problems, dict):
        out = []
        for key, inner in problems.items():
            label = (names or {}).get(str(key), str(key))
            out += [f"{label}: {message}" for message in _messages(inner, None)]
        return out
    if isinstance(problems, (list, tuple)):
        return [message for item in problems for message in _messages(item, names)]
    return [str(problems)]


def add_domain_error(
    form, error: DomainError, request, *, aliases: dict | None = None, names: dict | None = None
) -> None:
    """Per-field details where the form has the field (`aliases` maps a service's key to
    the form's field: scope -> resources), the rest (and the message itself) as non-field
    errors. `names` labels the items of nested details (a resource id -> its name)."""
    record_web_refusal(request, error)
    for key, problems in (error.details or {}).items():
        field = (aliases or {}).get(key, key)
        for message in _messages(problems, names):
            form.add_error(field if field in form.fields else None, message)
    if not error.details:
        form.add_error(None, str(error.message))


def flash_domain_error(request, error: DomainError) -> None:
    """For action buttons that redirect: the refusal becomes an error message."""
    record_web_refusal(request, error)
    messages.error(request, error.message)


def flash_invalid(request, form) -> bool:
    """For action buttons that redirect: whether the form's input is refused (audited, as
    every refusal), its first error then the message. An invalid note (too long, a NUL)
    refuses the action rather than letting it go ahead with the note dropped."""
    if form.is_valid():
        return False
    flash_refused(request, next(iter(form.errors.values()))[0])
    return True


def flash_refused(request, message, code: str = "invalid_input") -> None:
    """For action buttons that redirect: input the form refused (no file, no choice),
    audited as every refusal, its message flashed."""
    flash_domain_error(request, InvalidInput(message, code=code))


def flash_unknown_action(request) -> None:
    """An action button's address naming no action the page offers (typed by hand, or a
    stale page): refused, audited as every refusal, and said."""
    from django.utils.translation import gettext as _

    flash_refused(request, _("Unknown action."), code="unknown_action")


def run_action(request, call, done=None) -> bool:
    """Runs a service call behind an action button: `done` (what happened, in words; by
    default "Done.") or the recorded refusal."""
    from django.utils.translation import gettext as _

    try:
        call()
    except DomainError as error:
        flash_domain_error(request, error)
        return False
    messages.success(request, done or _("Done."))
    return True


class DateTimeField(forms.DateTimeField):
    """Django's, refusing a moment that has no UTC equivalent: a local '0001-01-01 00:00'
    at +08:00 falls before year 1 in UTC, where the database query raised OverflowError."""

    default_error_messages = {"overflow": gettext_lazy("Enter a date and time within range.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                value.astimezone(UTC)
            except OverflowError:
                raise forms.ValidationError(
                    self.error_messages["overflow"], code="overflow"
                ) from None
        return value


class DateField(forms.DateField):
    """Django's, bounded to the platform's calendar (apps.core.dates)."""

    default_error_messages = {"out_of_range": gettext_lazy("Enter a date from %(min)s to %(max)s.")}

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not date_in_range(day):
            raise forms.ValidationError(
                self.error_messages["out_of_range"], code="out_of_range", params=range_params()
            )
        return day


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing a value that is no id before it reaches `pk__in`: SQLite cannot
    bind a number beyond bigint there (OverflowError, a 500 under `make run`)."""

    def _check_values(self, value):
        for pk in value or ():
            if parse_id(str(pk)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def date_input() -> forms.DateInput:
    """The browser's date picker; its value is always ISO (yyyy-mm-dd), whatever the
    language's display format."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
