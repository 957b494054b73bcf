"""Embedded default for a developer machine: `make run`. Needs no variable at all."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import DATA_DIR, env

# DEBUG off by default: `make run` answers hostile input as production does (its own 404
# and 500 pages, never Django's technical pages with the URL list or a traceback).
# DJANGO_DEBUG=1 turns Django's debug pages on for development.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Static files from the apps' and project's folders, no collectstatic (WhiteNoise).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# collectstatic's folder, under DATA_DIR; made now, as WhiteNoise warns about a missing one
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# seed_demo may run here (never in production: it creates known passwords).
DEMO_DATA_ALLOWED = True
# A fixed key is fine here: local mode never serves real users (production.py refuses it).
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-only-insecure-key-do-not-deploy")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A fixed pseudonym key (never production: production.py requires a real one).
CATALOG_PSEUDONYM_KEYS = env.dict(
    "CATALOG_PSEUDONYM_KEYS", default={"local": "local-only-pseudonym-key-do-not-deploy"}
)
CATALOG_PSEUDONYM_KEY_ID = env.str("CATALOG_PSEUDONYM_KEY_ID", default="local")
# E-mails (notifications, password resets, invitations) are written as files under
# DATA_DIR/mail, one file per sending, instead of filling the terminal of `make run`.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(DATA_DIR / "mail"))
