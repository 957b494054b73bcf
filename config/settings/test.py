"""Test settings: PostgreSQL and Redis for real (see scripts/test.sh)."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, env, plan_prepared_once

DEBUG = False
# The demo data is part of several tests (seed_demo).
DEMO_DATA_ALLOWED = True
# Datasets, uploads and keys written by tests (and their worker) stay apart from `make run`.
DATA_DIR = Path(env.str("TEST_DATA_DIR", default=str(BASE_DIR / "var" / "test")))
DATA_DIR.mkdir(parents=True, exist_ok=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="test-only-insecure-key")
DATABASES = {
    "default": env.db("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/platform"),
}
plan_prepared_once(DATABASES["default"])
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_platform")}
REDIS_URL = env.str("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT = None  # the URL's (Redis), not the embedded default's files
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Worker processes started by tests may send real SMTP to a server the test runs.
EMAIL_BACKEND = env.str(
    "TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "test-media"
OPERATORS_FILES_DIR = DATA_DIR / "test-media" / "operators"
LANGUAGE_CODE = "zh-hans"
# Serve static files from the app folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Per-test memory cache: throttle counters must not leak between tests; the throttle test
# sets its own low rates.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A fixed pseudonym key (never production: production.py requires a real one).
CATALOG_PSEUDONYM_KEYS = env.dict(
    "CATALOG_PSEUDONYM_KEYS", default={"test": "test-only-pseudonym-key"}
)
CATALOG_PSEUDONYM_KEY_ID = env.str("CATALOG_PSEUDONYM_KEY_ID", default="test")
# Denials are written in the test's own transaction (rolled back with it), never committed
# on a side connection; tests of the out-of-band path turn it on with transaction=True.
AUDIT_DENIALS_OUT_OF_BAND = False
# Tests run at any hour: reads are not "off hours" unless a test says which hours are
# (tests/delivery/test_alert_rules.py sets 07:00-22:00 where it tests the rule).
ALERTS_ACCESS_HOURS = "00:00-24:00"
