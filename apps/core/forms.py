"""How a web page shows a service's refusal, and records it: every denial is audited."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy

from apps.core.denials import record_denial
from apps.core.exceptions import DomainError


class NoteForm(forms.Form):
    """The optional note behind an action button (portal and console share it)."""

    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def record_web_refusal(request, error: DomainError) -> None:
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else "unknown"
    record_denial(
        action=f"web.{view}",
        reason=error.code,
        request=request,
        data={"method": request.method, "path": request.path, "status": error.status},
    )


def add_domain_error(form, error: DomainError, request) -> None:
    """Per-field details where the form has the field, the rest (and the message itself)
    as non-field errors."""
    record_web_refusal(request, error)
    for field, problems in (error.details or {}).items():
        for message in problems if isinstance(problems, list) else [problems]:
            form.add_error(field if field in form.fields else None, str(message))
    if not error.details:
        form.add_error(None, str(error.message))


def flash_domain_error(request, error: DomainError) -> None:
    """For action buttons that redirect: the refusal becomes an error message."""
    record_web_refusal(request, error)
    messages.error(request, error.message)


def run_action(request, call) -> bool:
    """Runs a service call behind an action button: "Done." or the recorded refusal."""
    from django.utils.translation import gettext as _

    try:
        call()
    except DomainError as error:
        flash_domain_error(request, error)
        return False
    messages.success(request, _("Done."))
    return True
