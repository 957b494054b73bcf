"""The site's URLs plus one view that fails, to see the 500 page as a visitor would, and
one web view that reads its whole body (as no page of the site does but a form's)."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a fault the visitor must not see")


@csrf_exempt
def read_body(request):
    return HttpResponse(f"{len(request.body)} bytes")


# First: the site's last route answers every other /api/ address.
urlpatterns = [
    path("fail/", fail),
    path("api/v1/fail/", fail),
    path("read-body/", read_body),
    *site_urlpatterns,
]
