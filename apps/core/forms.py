from apps.core.exceptions import DomainError


def add_domain_error(form, error: DomainError) -> None:
    """Shows a service's refusal on a form: per-field details where the form has the
    field, the rest (and the message itself) as non-field errors."""
    for field, messages in (error.details or {}).items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(field if field in form.fields else None, str(message))
    if not error.details:
        form.add_error(None, str(error.message))
