"""The API's rate limits (DRF throttles, counters in CACHES) for plain Django views.

The CKAN action API and the DCAT feeds are anonymous and public like /api/v1/, so they
count against the same per-IP and per-user budgets and answer 429 with `Retry-After`;
so do the public pages that do the same work (the catalog search with its facets, the
marketplace, the disclosure), which answer with an error page (`page_429`).
"""

import math
from collections.abc import Callable
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings

from apps.core.api.errors import error_body


def json_429(request, wait: float) -> HttpResponse:
    message = _("Request was throttled. Expected available in %(wait)d seconds.")
    return JsonResponse(error_body("throttled", message % {"wait": wait}), status=429)


def page_429(request, wait: float) -> HttpResponse:
    """The web twin of `json_429`: the error page, saying when to come back."""
    message = _("Too many requests from your address. Try again in %(seconds)d seconds.")
    seconds = max(1, math.ceil(wait))
    return render(request, "errors/400.html", {"message": message % {"seconds": seconds}})


def throttle_wait(request) -> float | None:
    """Seconds to wait if any configured throttle refuses the request, else None."""
    waits = []
    for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 1)
    return max(waits) if waits else None


def rate_limited(respond: Callable[[object, float], HttpResponse] = json_429):
    """Decorator: counts the request like an API call; past the limit, `respond` answers."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            wait = throttle_wait(request)
            if wait is None:
                return view(request, *args, **kwargs)
            response = respond(request, wait)
            response.status_code = 429
            response["Retry-After"] = str(max(1, math.ceil(wait)))
            return response

        return wrapped

    return decorator


# Public pages doing the API's work (the catalog search with its facets, the lists of
# agreements and products) count against its per-address (per-user) budgets.
public_page = rate_limited(page_429)
