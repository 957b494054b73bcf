"""Production: refuses to start without a secret key and allowed hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CATALOG_PSEUDONYM_KEY_ID, CATALOG_PSEUDONYM_KEYS, DATABASES, env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of 50+ characters")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names this site serves")

if not env.str("DATABASE_URL", default="").startswith(("postgres", "pgsql")):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production")
if not env.str("REDIS_URL", default=""):
    raise ImproperlyConfigured("REDIS_URL must be set in production (Celery broker)")
# Opening a PostgreSQL connection costs about 6 ms here, more than a whole record page's
# queries: each web and worker process keeps its connection for a minute (checked before
# reuse) instead of opening one per request. 0 restores one per request (e.g. behind a
# pooler that already keeps them).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

AUDIT_SIGNING_KEY_AUTOCREATE = False
if not (env.str("AUDIT_SIGNING_KEY", default="") or env.str("AUDIT_SIGNING_KEY_FILE", default="")):
    raise ImproperlyConfigured("AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE must be set")

_pseudonym_key = CATALOG_PSEUDONYM_KEYS.get(CATALOG_PSEUDONYM_KEY_ID, "")
if len(_pseudonym_key) < 32 or _pseudonym_key == SECRET_KEY:
    raise ImproperlyConfigured(
        "CATALOG_PSEUDONYM_KEYS must hold a random key of 32+ characters (not the secret key) "
        "under the id CATALOG_PSEUDONYM_KEY_ID"
    )
if env.bool("WEBHOOKS_ALLOW_INSECURE_LOOPBACK", default=False):
    raise ImproperlyConfigured("WEBHOOKS_ALLOW_INSECURE_LOOPBACK is for tests; never in production")
WEBHOOKS_SECRET_KEY_AUTOCREATE = False
if not (
    env.list("WEBHOOKS_SECRET_KEYS", default=[]) or env.str("WEBHOOKS_SECRET_KEY_FILE", default="")
):
    raise ImproperlyConfigured("WEBHOOKS_SECRET_KEYS or WEBHOOKS_SECRET_KEY_FILE must be set")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
