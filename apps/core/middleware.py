"""Request id for tracing and a hard body-size limit on the API."""

import re
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from apps.core.api.errors import error_body

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Takes a sane X-Request-ID from the client or makes one, and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class ApiBodySizeLimitMiddleware:
    """Refuses oversized API bodies with 413 before anything reads them.

    Upload endpoints listed in API_LARGE_BODY_PATHS get their own, larger limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            limit = next(
                (
                    size
                    for pattern, size in getattr(settings, "API_LARGE_BODY_PATHS", [])
                    if re.match(pattern, request.path)
                ),
                settings.API_MAX_BODY_BYTES,
            )
            if length < 0 or length > limit:
                body = error_body(
                    "request_too_large",
                    _("The request body is larger than %(limit)d bytes.") % {"limit": limit},
                    {"max_bytes": limit},
                )
                return JsonResponse(body, status=413)
        return self.get_response(request)


class ApiQueryGuardMiddleware:
    """Refuses a NUL character in an /api/ query string with 400 `nul_character`.

    No parameter of the platform may carry one, and PostgreSQL cannot store or compare
    it: let through, it fails deep in a query as a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The CKAN action API answers in its own envelope (apps.catalog.ckan_views).
        if request.path.startswith("/api/") and "/action/" not in request.path:
            query = request.META.get("QUERY_STRING", "")
            if "\x00" in query or "%00" in query:
                body = error_body("nul_character", _("Text may not contain NUL characters."))
                return JsonResponse(body, status=400)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: the platform needs no camera, microphone,
    location, payment or sensor API (setting PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DomainErrorMiddleware:
    """Maps a DomainError escaping a web view to an error page with its status.

    The API maps the same exceptions in apps.core.api.errors; forms catch them earlier
    when they can show the message next to a field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from apps.core.exceptions import DomainError

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        template = "errors/403.html" if exception.status == 403 else "errors/400.html"
        return render(request, template, {"message": exception.message}, status=exception.status)
