import functools

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import (
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.urls import is_valid_path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from apps.core.api.errors import error_body
from apps.core.denials import record_denial
from apps.core.health import run_checks
from apps.core.middleware import BODY_METHODS
from apps.core.printable import printable


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def _error(request, status: int, code: str, message: str, template: str):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    return render(request, template, {"message": message}, status=status)


def not_found(request, exception=None):
    return _error(request, 404, "not_found", _("Not found."), "errors/404.html")


@csrf_exempt
def api_not_found(request):
    """Every /api/ address that names no endpoint (the last route): a JSON 404 with a code,
    under DEBUG too, where Django's own would be an HTML page. An address that lacks only
    its trailing slash is redirected, as Django would, unless the request has a body."""
    path = request.path_info
    slashed = is_valid_path(f"{path}/", getattr(request, "urlconf", None))
    if not path.endswith("/") and slashed and slashed.url_name != "api-not-found":
        if request.method not in BODY_METHODS:  # what Django's APPEND_SLASH does
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        message = _("No such address; this one ends with a slash: %(path)s") % {"path": f"{path}/"}
        return JsonResponse(error_body("slash_missing", message), status=404)
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def permission_denied(request, exception=None):
    return _error(
        request, 403, "permission_denied", _("You do not have permission."), "errors/403.html"
    )


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a form post without a valid CSRF token (a forged cross-site
    post, or a page left open past its session) is a denial like any other: recorded,
    and answered with the platform's own 403 page instead of Django's bare English one."""
    record_denial(
        action="web.csrf",
        reason="csrf_failed",
        request=request,
        data={
            "method": request.method,
            "path": printable(request.path, 200, one_line=True),
            "status": 403,
            # Django's reason can quote the request's Origin or Referer: cut and cleaned.
            "detail": printable(reason, 200, one_line=True),
        },
    )
    message = _(
        "The form could not be accepted: it was not sent from this site's own page, or "
        "the page was open too long. Reload the page and try again."
    )
    return _error(request, 403, "csrf_failed", message, "errors/403.html")


def bad_request(request, exception=None):
    return _error(request, 400, "bad_request", _("Bad request."), "errors/400.html")


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", _("Server error.")), status=500)
    # Rendered without the request: no context processor, session or database query,
    # since any of them may be what failed.
    page = loader.render_to_string(
        "errors/500.html", {"request_id": getattr(request, "request_id", "")}
    )
    return HttpResponseServerError(page)


def api_docs(view):
    """Swagger UI and ReDoc get their own policy: both inject styles at run time and
    ReDoc runs a web worker from a blob: URL; scripts still come only from this site."""
    return csp_replace(settings.API_DOCS_CSP_DIRECTIVES)(view)


# ReDoc's bundle hard-codes a logo on cdn.redoc.ly; nothing may come from a CDN (and the
# CSP would refuse it), so the bundle is served with that one URL swapped for an empty
# inline image.
_REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
_EMPTY_SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@functools.cache
def _redoc_bundle() -> bytes:
    path = finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")
    with open(path, "rb") as handle:
        return handle.read().replace(_REDOC_LOGO.encode(), _EMPTY_SVG.encode())


@require_GET
def redoc_bundle(request):
    response = HttpResponse(_redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
