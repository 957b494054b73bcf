import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()

# Load the URLconf (and so every view module) now, while the worker boots, not on its first
# request: a fresh worker (gunicorn recycles them every max_requests) would otherwise stall
# for the imports with requests, /healthz among them, queued behind it.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
