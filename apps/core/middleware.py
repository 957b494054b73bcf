"""Request id for tracing, hard body-size limits (API and web), no NUL in a header or a
query string (each refusal audited), and web pages for the errors services raise."""

import io
import re
import uuid

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware import common
from django.utils.translation import gettext as _

from apps.core.api.errors import UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER, error_body
from apps.core.denials import record_denial
from apps.core.exceptions import RequestTooLarge
from apps.core.printable import printable

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


class CountingStream(io.RawIOBase):
    """Reads a body of unknown length and raises RequestTooLarge as soon as more than
    `limit` bytes came in; never reads more than limit + one chunk."""

    CHUNK = 64 * 1024

    def __init__(self, source, limit: int):
        self._source, self.limit, self.seen = source, limit, 0

    def readable(self) -> bool:
        return True

    def _count(self, data: bytes) -> bytes:
        self.seen += len(data)
        if self.seen > self.limit:
            raise RequestTooLarge(details={"max_bytes": self.limit})
        return data

    def read(self, size: int = -1) -> bytes:
        if size is not None and size >= 0:
            return self._count(self._source.read(size))
        parts = []
        while chunk := self._count(self._source.read(self.CHUNK)):
            parts.append(chunk)
        return b"".join(parts)

    def readline(self, size: int = -1) -> bytes:
        limit = self.CHUNK if size is None or size < 0 else min(size, self.CHUNK)
        return self._count(self._source.readline(limit))


def body_limit(path: str) -> int:
    """The most bytes a request body to `path` may hold: the limit of the first pattern of
    API_LARGE_BODY_PATHS (under /api/) or WEB_LARGE_BODY_PATHS (elsewhere) that matches,
    else API_MAX_BODY_BYTES or WEB_MAX_BODY_BYTES."""
    if path.startswith("/api/"):
        listed, default = settings.API_LARGE_BODY_PATHS, settings.API_MAX_BODY_BYTES
    else:
        listed, default = settings.WEB_LARGE_BODY_PATHS, settings.WEB_MAX_BODY_BYTES
    return next((size for pattern, size in listed if re.match(pattern, path)), default)


class BodySizeLimitMiddleware:
    """Refuses an oversized request body with 413 before anything reads it: JSON
    `request_too_large` under /api/, the error page in the reader's language on the web.

    With a Content-Length the check is up front. A chunked body has none: its bytes are
    counted as they are read, and passing the limit answers 413 the same way. Pages and
    upload endpoints that take a file have their own, larger limit (body_limit). Every
    refusal is audited as a denied `api.request_guard` / `web.request_guard`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request.path)
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0 or length > limit:
                return _too_large(request, limit, content_length=_printable(declared, 40))
        elif "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            # WSGI servers that de-chunk say so (wsgi.input_terminated); under ASGI the
            # body is already spooled in request._stream.
            environ = getattr(request, "environ", {})
            source = (
                environ["wsgi.input"] if environ.get("wsgi.input_terminated") else request._stream
            )
            request._stream = CountingStream(source, limit)
            if request.method == "POST" and not request.path.startswith("/api/"):
                # CSRF's check reads the form before the view runs, where passing the
                # limit would be a 500: read it here (up to the limit, not past it).
                try:
                    request.POST  # noqa: B018
                except RequestTooLarge:
                    return _too_large(request, limit)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # A view outside DRF read past the limit (DRF maps it through its error handler).
        if isinstance(exception, RequestTooLarge):
            return _too_large(request, (exception.details or {}).get("max_bytes", 0))
        return None


def _too_large(request, limit: int, **data):
    _audit_guard(request, "request_too_large", 413, part="body", max_bytes=limit, **data)
    if request.path.startswith("/api/"):
        message = _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
        body = error_body("request_too_large", message, {"max_bytes": limit})
        return JsonResponse(body, status=413)
    from django.shortcuts import render
    from django.template.defaultfilters import filesizeformat

    message = _(
        "What was sent is larger than the %(size)s this page accepts, so it was not read. "
        "Choose a smaller file, or split it into several."
    ) % {"size": filesizeformat(limit)}
    return render(request, "errors/400.html", {"message": message}, status=413)


class HeaderGuardMiddleware:
    """Refuses a NUL character in any request header (cookies included): 400
    `nul_character`, JSON on the API and plain text on the web.

    HTTP forbids it and no browser sends one, but left in, it fails as a 500 wherever a
    header is stored or looked up in PostgreSQL (the session key of a cookie, the user
    agent and accept header that sign-in lockouts record). It runs before the session and
    the user are touched, so its answer is plain, and its audit record (a denial, as every
    refusal) names no user: the header's name, not its text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        carrier = next(
            (name for name, value in request.META.items() if _is_header(name) and "\x00" in value),
            None,
        )
        if carrier is not None:
            header = carrier.removeprefix("HTTP_").replace("_", "-").title()
            _audit_guard(
                request, "nul_character", 400, part="header", header=_printable(header, 100)
            )
            message = _("Text may not contain NUL characters.")
            if request.path.startswith("/api/"):
                return JsonResponse(error_body("nul_character", message), status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _is_header(name: str) -> bool:
    return name.startswith("HTTP_") or name in ("CONTENT_TYPE", "CONTENT_LENGTH")


def _printable(text: str, limit: int) -> str:
    """Caller text fit for the audit log: cut to `limit`, control characters (the NUL
    that was refused among them) shown as `?`."""
    return printable(text, limit, one_line=True, blank="?")


def _audit_guard(request, reason: str, status: int, **data) -> None:
    """Every denial is audited, these too (through the recorder the audit app registers:
    core imports no app). For a NUL only where it was (the header's name, or the query
    string) is recorded, never the values that carried it; for a body too large, the
    limit and the Content-Length it declared, if any. The audit service cleans the user
    agent and address it takes from the request."""
    area = "api" if request.path.startswith("/api/") else "web"
    record_denial(
        action=f"{area}.request_guard",
        reason=reason,
        request=request,
        data={
            "method": _printable(request.method or "", 20),
            "path": _printable(request.path, 200),
            "status": status,
            **data,
        },
    )


class QueryGuardMiddleware:
    """Refuses a NUL character in a query string: 400 `nul_character` on the API, the
    400 page on the web.

    No parameter of the platform may carry one, and PostgreSQL cannot store or compare
    it: let through, it fails deep in a query as a 500. Audited as a denial, without the
    query string.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        # The CKAN action API answers in its own envelope (apps.catalog.ckan_views).
        if ("\x00" in query or "%00" in query) and "/action/" not in request.path:
            _audit_guard(request, "nul_character", 400, part="query")
            message = _("Text may not contain NUL characters.")
            if request.path.startswith("/api/"):
                return JsonResponse(error_body("nul_character", message), status=400)
            from django.shortcuts import render

            return render(request, "errors/400.html", {"message": message}, status=400)
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


class ApiNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every /api/v1/ answer to a caller who
    authenticated (a key or a session) and that sets no caching of its own: record pages,
    a new key's secret, a webhook's signing secret and every object read for a person were
    answered without it, so a browser or a proxy was free to keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/v1/") and (
            "HTTP_AUTHORIZATION" in request.META
            or getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            response.setdefault("Cache-Control", "private, no-store")
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
        from redis.exceptions import RedisError

        from apps.core.exceptions import DomainError

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, RedisError):  # restarting: as the API's 503
            context = {"message": UNAVAILABLE_MESSAGE}
            response = render(request, "errors/400.html", context, status=503)
            response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
            return response
        if not isinstance(exception, DomainError):
            return None
        if not getattr(exception, "audited", False):
            # Every refusal is audited: a view that lets a service's or the policy's
            # refusal escape needs no recording of its own.
            from apps.core.forms import record_web_refusal

            record_web_refusal(request, exception)
        template = "errors/403.html" if exception.status == 403 else "errors/400.html"
        return render(request, template, {"message": exception.message}, status=exception.status)


BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CommonMiddleware(common.CommonMiddleware):
    """Django's, except that a request with a body (POST, PUT, PATCH, DELETE) to an address
    without its trailing slash is not redirected: a redirect loses the body, and under
    DEBUG (`DJANGO_DEBUG=1`) Django raises RuntimeError instead, a 500. It gets the 404 of an
    unknown address (JSON with a code under /api/, which names the address to use)."""

    def should_redirect_with_slash(self, request):
        return request.method not in BODY_METHODS and super().should_redirect_with_slash(request)
