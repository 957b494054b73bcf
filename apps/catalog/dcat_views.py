"""Anonymous DCAT-AP endpoints: fixed-format files and one content-negotiated URL."""

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from apps.catalog.dcat import catalog_jsonld, catalog_turtle
from apps.core.throttling import rate_limited

TURTLE = "text/turtle"
JSONLD = "application/ld+json"
# Media types a client may ask for, and which serialization answers each.
_OFFERS = {
    TURTLE: TURTLE,
    "application/x-turtle": TURTLE,
    JSONLD: JSONLD,
    "application/json": JSONLD,
}


def _render(request, media_type: str) -> HttpResponse:
    body = catalog_turtle(request) if media_type == TURTLE else catalog_jsonld(request)
    return HttpResponse(body, content_type=f"{media_type}; charset=utf-8")


def negotiate(accept: str) -> str | None:
    """The best offered type for an Accept header; Turtle for */* or no header, None if none fit."""
    if not accept.strip():
        return TURTLE
    ranked = []
    for position, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, media.strip().lower()))
    for negative_q, _position, media in sorted(ranked):
        if negative_q >= 0:
            break
        if media in _OFFERS:
            return _OFFERS[media]
        if media in ("*/*", "text/*"):
            return TURTLE
        if media == "application/*":
            return JSONLD
    return None


@require_safe
@rate_limited()
def dcat_turtle(request):
    return _render(request, TURTLE)


@require_safe
@rate_limited()
def dcat_jsonld(request):
    return _render(request, JSONLD)


@require_safe
@rate_limited()
def dcat_negotiated(request):
    media_type = negotiate(request.headers.get("Accept", ""))
    if media_type is None:
        response = HttpResponse(
            f"Not acceptable. Available: {TURTLE}, {JSONLD}",
            status=406,
            content_type="text/plain; charset=utf-8",
        )
    else:
        response = _render(request, media_type)
    patch_vary_headers(response, ["Accept"])
    return response
