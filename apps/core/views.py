from csp.decorators import csp_replace
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.api.errors import error_body
from apps.core.health import run_checks


def home(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if getattr(user, "is_regulator", False):
        return redirect("console:home")
    return redirect("portal:home")


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


def permission_denied(request, exception=None):
    return _error(
        request, 403, "permission_denied", _("You do not have permission."), "errors/403.html"
    )


def bad_request(request, exception=None):
    return _error(request, 400, "bad_request", _("Bad request."), "errors/400.html")


def server_error(request):
    return _error(request, 500, "server_error", _("Server error."), "errors/500.html")


def api_docs(view):
    """Swagger UI and ReDoc get their own policy: both inject styles at run time and
    ReDoc runs a web worker from a blob: URL; scripts still come only from this site."""
    return csp_replace(settings.CSP_API_DOCS_DIRECTIVES)(view)
