"""The site's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a fault the visitor must not see")


# First: the site's last route answers every other /api/ address.
urlpatterns = [path("fail/", fail), path("api/v1/fail/", fail), *site_urlpatterns]
