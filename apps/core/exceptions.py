"""Domain exceptions raised by services and mapped once to HTTP and to form errors."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the operation. `code` is stable; `message` is for people."""

    code = "domain_error"
    status = 400
    default_message = _("The operation is not allowed.")

    def __init__(self, message=None, *, code: str | None = None, details: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(str(self.message))


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409
    default_message = _("This action is not allowed in the object's current state.")


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to perform this action.")


class InvalidInput(DomainError):
    code = "invalid"
    status = 422
    default_message = _("The input is not valid.")


class RequestTooLarge(DomainError):
    """A body grew past the limit while it was being read (no Content-Length to check)."""

    code = "request_too_large"
    status = 413
    default_message = _("The request body is too large.")
