"""One JSON error shape for the whole API: {"code", "message", "details"}."""

import contextlib
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from redis.exceptions import RedisError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core import controls
from apps.core.denials import record_denial
from apps.core.exceptions import DomainError

logger = logging.getLogger(__name__)
# Redis restarting: the answer of what needs it, on the API and on the web alike.
UNAVAILABLE_RETRY_AFTER = 5  # seconds
UNAVAILABLE_MESSAGE = gettext_lazy(
    "A service the platform needs is restarting; try again in a few seconds."
)

# DRF's own codes, renamed where a client benefits from a more precise word.
_CODE_NAMES = {
    "parse_error": "malformed_json",
    "not_authenticated": "not_authenticated",
    "authentication_failed": "authentication_failed",
    "invalid": "validation_error",
    "not_found": "not_found",
    "method_not_allowed": "method_not_allowed",
    "unsupported_media_type": "unsupported_media_type",
    "throttled": "throttled",
    "permission_denied": "permission_denied",
}


def error_body(code: str, message, details=None) -> dict:
    return {"code": code, "message": force_str(message), "details": details or {}}


def _codes(codes) -> set:
    """The codes of a validation error's leaves (every field, item and nested field)."""
    if isinstance(codes, dict):
        return set().union(*(_codes(value) for value in codes.values()))
    if isinstance(codes, list):
        return set().union(*(_codes(item) for item in codes))
    return {codes}


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return force_str(detail)


# Refusals that go into the audit log (the service's transaction has rolled back by now,
# so the record survives it): every client error but a 404 (a hidden object's is recorded
# where it is looked up) and a 429 (recorded by the limits that refuse a grant's calls; a
# flood's own throttling must not write a row a request).
AUDITED_STATUSES = {400, 401, 403, 405, 406, 409, 410, 413, 415, 422}


def _audit_denial(exc, context, status_code: int, code: str) -> None:
    if getattr(exc, "audited", False):
        return  # get_object_for already recorded it, with its target
    request, view = context.get("request"), context.get("view")
    # A refusal raised before authentication (a 406) still names the key that asked.
    with contextlib.suppress(exceptions.APIException):
        getattr(request, "user", None)
    basename = getattr(view, "basename", None) or type(view).__name__
    verb = getattr(view, "action", None) or (request.method.lower() if request else "call")
    record_denial(
        action=f"api.{basename}.{verb}",
        reason=code,
        request=request,
        data={
            "method": getattr(request, "method", ""),
            "path": getattr(request, "path", ""),
            "status": status_code,
        },
    )


def exception_handler(exc, context):
    if isinstance(exc, RedisError):
        # Redis restarting: what needs it (a grant's quota, which is never let go looser)
        # answers that it is unavailable for now, not a 500.
        logger.warning("Redis out of reach: %s", type(exc).__name__)
        response = Response(error_body("service_unavailable", UNAVAILABLE_MESSAGE), status=503)
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response
    if isinstance(exc, DomainError):
        _audit_denial(exc, context, exc.status, exc.code)
        response = Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
        for header, value in getattr(exc, "headers", {}).items():
            response[header] = value  # e.g. Retry-After of a 429
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    if isinstance(exc, exceptions.ValidationError):
        code = "validation_error"
        details = (
            _flatten(detail) if isinstance(detail, dict) else {"non_field_errors": _flatten(detail)}
        )
        unknown = details.pop("unknown_fields", None) if isinstance(details, dict) else None
        if unknown:
            code = "unknown_field"
            details["unknown_fields"] = unknown
        elif _codes(exc.get_codes()) == {controls.CODE}:
            code = controls.CODE  # the only problem: a control character (or several)
        message = _("Unknown field in request body.") if unknown else _("The input is not valid.")
        response.data = error_body(code, message, details)
    else:
        raw_code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = raw_code if isinstance(raw_code, str) else "error"
        response.data = error_body(_CODE_NAMES.get(code, code), force_str(detail or exc))
    if response.status_code in AUDITED_STATUSES:
        _audit_denial(exc, context, response.status_code, response.data["code"])
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
