"""Settings shared by every mode. Every value comes from the environment.

With no variable set the platform runs on the embedded default: SQLite and a
filesystem Celery broker under DATA_DIR, so one command runs it on a fresh machine.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Only local.py and test.py give a default; production.py demands one.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# A refused form post is audited and gets the platform's 403 page (apps.core.views).
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"

INSTALLED_APPS = [
    # First: its createsuperuser and changepassword (audited) replace django.contrib.auth's.
    "apps.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "apps.core",
    "apps.workflow",
    "apps.catalog",
    "apps.operators",
    "apps.products",
    "apps.grants",
    "apps.webhooks",
    "apps.security",
    "apps.delivery",
    "apps.portal",
    "apps.console",
    "apps.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    # Before anything reads a header into the database (sessions, audit, lockouts).
    "apps.core.middleware.HeaderGuardMiddleware",
    "apps.audit.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "apps.core.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.RegulatorTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.PermissionsPolicyMiddleware",
    "apps.core.middleware.ApiNoStoreMiddleware",
    # Inside the ones above: its 400 page needs the user and gets the security headers.
    "apps.core.middleware.QueryGuardMiddleware",
    # Body limits: nothing above reads the body, and here the 413 page knows the reader's
    # language and user and gets the security headers. Before the view and CSRF's check.
    "apps.core.middleware.BodySizeLimitMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp) on every response: nothing inline, nothing from
# another origin. The API docs pages replace a few directives (apps.core.views.api_docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
API_DOCS_CSP_DIRECTIVES = {
    "style-src": ["'self'", "'unsafe-inline'"],
    "worker-src": ["'self'", "blob:"],
    "font-src": ["'self'", "data:"],
}
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), fullscreen=(self)",
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.navigation",
                "apps.workflow.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default has a web process and worker processes writing at once:
    # WAL lets readers run beside the writer, IMMEDIATE takes the write lock up front
    # (no upgrade deadlock), and the timeout queues writers instead of failing them.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# PostgreSQL statement timeouts (apps.core.dbtimeouts): web requests and Celery workers.
DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=10_000)
DATABASE_WORKER_STATEMENT_TIMEOUT_MS = env.int(
    "DATABASE_WORKER_STATEMENT_TIMEOUT_MS", default=300_000
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.ActiveOrganizationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login lockout (django-axes, apps/accounts/lockout.py): the pair (username, client IP) is
# locked after AXES_FAILURE_LIMIT failures, the client IP alone after AXES_IP_FAILURE_LIMIT
# failures over all usernames (an office behind one NAT address), each for
# AXES_COOLOFF_MINUTES after the failure that locked it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "apps.accounts.lockout.PairAndAddressHandler"
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused and audited but do not push the lock further out, so
# the time the page gives for retrying stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Reverse proxies in front of the app (nginx = 1); the client IP is read accordingly.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False
# Password reset (apps/accounts/password_reset.py): requests per client IP and e-mails per
# address asked for, each per hour. Past the address's budget the page answers as usual
# but sends nothing; past the IP's it refuses (429). Both are audited.
PASSWORD_RESET_PER_EMAIL_PER_HOUR = env.int("PASSWORD_RESET_PER_EMAIL_PER_HOUR", default=3)
PASSWORD_RESET_PER_IP_PER_HOUR = env.int("PASSWORD_RESET_PER_IP_PER_HOUR", default=20)

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Public Data Platform")
# Second-factor lockout (apps/accounts/otp_lockout.py): after OTP_MAX_FAILURES consecutive
# wrong TOTP codes a user's second factor refuses every code, the right one too, for
# OTP_LOCKOUT_MINUTES (django-otp's throttle only slows them down). A right code before
# that resets the count. The state is in the database, so a Redis flush lifts nothing.
OTP_MAX_FAILURES = env.int("OTP_MAX_FAILURES", default=5)
OTP_LOCKOUT_MINUTES = env.int("OTP_LOCKOUT_MINUTES", default=15)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "pdp_language"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# A mail server that hangs must not hold a worker: the outbox retries the e-mail later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Where people open the platform ("https://data.example.gov.cn"): a notification's e-mail
# links to its page under it (a worker sends it, with no request to take the host from).
# Empty: the e-mail names the page's path only. `make run` sets it to its own address.
PLATFORM_URL = env.str("PLATFORM_URL", default="").rstrip("/")

# Requests to /api/ larger than this are refused with 413 before any parsing.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
# Web (non-/api/) request bodies: at most this (a form's fields may hold up to
# DATA_UPLOAD_MAX_MEMORY_SIZE, plus the multipart envelope), refused with the 413 page
# before Django spools anything. Pages that take a file are listed in WEB_LARGE_BODY_PATHS
# with that file's limit plus this, for the rest of the form.
WEB_MAX_BODY_BYTES = env.int("WEB_MAX_BODY_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE + 256 * 1024)
# JSON bodies nested deeper than this are refused with 400 `json_too_deep`.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=64)

# Public catalog (DCAT-AP, CKAN API). Absolute URIs start with CATALOG_BASE_URI; empty means
# the requesting host. Set it in production so identifiers do not depend on the host name used.
CATALOG_BASE_URI = env.str("CATALOG_BASE_URI", default="")
CATALOG_PUBLISHER_NAME = env.str("CATALOG_PUBLISHER_NAME", default="公共数据主管部门")
CATALOG_PUBLISHER_NAME_EN = env.str("CATALOG_PUBLISHER_NAME_EN", default="Public data authority")
# CKAN package_search: the most rows one page may ask for (CKAN's search.rows_max).
CKAN_ROWS_MAX = env.int("CKAN_ROWS_MAX", default=1000)
# Bounded work per CKAN request: start/offset/limit ceiling, and the size, nesting depth and
# number of terms of an fq (and the length of q). Past them: 400 with a code.
CKAN_MAX_OFFSET = env.int("CKAN_MAX_OFFSET", default=100_000)
CKAN_FQ_MAX_CHARS = env.int("CKAN_FQ_MAX_CHARS", default=2000)
CKAN_FQ_MAX_DEPTH = env.int("CKAN_FQ_MAX_DEPTH", default=8)
CKAN_FQ_MAX_TERMS = env.int("CKAN_FQ_MAX_TERMS", default=64)
CKAN_Q_MAX_CHARS = env.int("CKAN_Q_MAX_CHARS", default=500)
# Dataset ingestion (apps.catalog.ingest): upload cap, report size, batch sizes, job limit.
CATALOG_MAX_UPLOAD_BYTES = env.int("CATALOG_MAX_UPLOAD_BYTES", default=2 * 1024**3)
# An XLSX (a ZIP archive) whose parts declare more than this unpacked is refused before it
# is opened (ZIP bomb). Absolute, not a multiple of the upload cap: openpyxl holds some
# parts whole in memory. Larger tables come as CSV, which is streamed.
CATALOG_INGEST_MAX_UNPACKED_BYTES = env.int(
    "CATALOG_INGEST_MAX_UNPACKED_BYTES", default=512 * 1024**2
)
# The shared strings of an XLSX (one Python string each in openpyxl, about 3.5 times the
# part's size for short texts): at most this, unpacked (apps.catalog.ingest.zipcheck).
CATALOG_INGEST_MAX_SHARED_STRINGS_BYTES = env.int(
    "CATALOG_INGEST_MAX_SHARED_STRINGS_BYTES", default=128 * 1024**2
)
CATALOG_MAX_REPORTED_PROBLEMS = env.int("CATALOG_MAX_REPORTED_PROBLEMS", default=1000)
CATALOG_INGEST_BATCH_ROWS = env.int("CATALOG_INGEST_BATCH_ROWS", default=50_000)
CATALOG_INGEST_BLOCK_BYTES = env.int("CATALOG_INGEST_BLOCK_BYTES", default=1024 * 1024)
CATALOG_INGEST_TIME_LIMIT = env.int("CATALOG_INGEST_TIME_LIMIT", default=3600)
CATALOG_PREVIEW_ROWS = env.int("CATALOG_PREVIEW_ROWS", default=20)
# An upload waiting for its columns to be mapped is given up (file deleted) after this.
CATALOG_MAPPING_HOLD_HOURS = env.int("CATALOG_MAPPING_HOLD_HOURS", default=24)
# /api/ paths allowed a larger body than API_MAX_BODY_BYTES: (regex, limit in bytes).
# The margin leaves room for the multipart envelope, so the service can answer with
# its own `file_too_large` error rather than a bare 413.
API_LARGE_BODY_PATHS = [
    (r"^/api/v1/catalog/resources/\d+/uploads/$", CATALOG_MAX_UPLOAD_BYTES + 1024 * 1024),
]
# Web pages allowed a larger body than WEB_MAX_BODY_BYTES: (regex, limit in bytes).
WEB_LARGE_BODY_PATHS = [
    (r"^/portal/resources/\d+/upload/$", CATALOG_MAX_UPLOAD_BYTES + WEB_MAX_BODY_BYTES),
]

# API keys: lifetime when none is asked for, and the longest allowed.
API_KEY_DEFAULT_DAYS = env.int("API_KEY_DEFAULT_DAYS", default=90)
API_KEY_MAX_DAYS = env.int("API_KEY_MAX_DAYS", default=365)
# Keys of regulator organizations (a Bearer key skips TOTP): IP-restricted, at most this long.
API_KEY_REGULATOR_MAX_DAYS = env.int("API_KEY_REGULATOR_MAX_DAYS", default=30)
# ... and its networks no wider than these prefixes (an office, not the internet).
API_KEY_REGULATOR_MIN_PREFIX_V4 = env.int("API_KEY_REGULATOR_MIN_PREFIX_V4", default=16)
API_KEY_REGULATOR_MIN_PREFIX_V6 = env.int("API_KEY_REGULATOR_MIN_PREFIX_V6", default=48)

# Catalog search: facets are counted over at most this many matches (then marked inexact).
CATALOG_FACET_LIMIT = env.int("CATALOG_FACET_LIMIT", default=2000)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.ApiKeyAuthentication",
        "apps.accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "apps.core.api.errors.exception_handler",
    # Rate limits per client IP (anonymous) and per user; 429 with code `throttled`.
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.api.throttles.AnonRateThrottle",
        "apps.core.api.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="2000/minute"),
    },
    # 0, not None: DRF reads None as "trust the whole X-Forwarded-For" (the throttles
    # read the client address through apps.core.net.client_ip in any case).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Public Data Authorization Operation Platform API",
    "DESCRIPTION": (
        "公共数据授权运营平台 REST API. Authenticate with `Authorization: Bearer <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Every operation documents the shared error responses (apps.core.api.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.add_error_responses",
        "apps.workflow.schema.relax_trimmed_fields",
    ],
    # One name per choice set, so generated clients get stable enum types.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "apps.accounts.choices.OrganizationKind.choices",
        "RoleEnum": "apps.accounts.choices.Role.choices",
        "RegistrationKindEnum": "apps.catalog.choices.RegistrationKind.choices",
        "RegistrationStatusEnum": "apps.catalog.choices.RegistrationStatus.choices",
        "FollowUpKindEnum": "apps.catalog.choices.FOLLOW_UP_KIND_CHOICES",
        "IngestStatusEnum": "apps.catalog.choices.IngestStatus.choices",
        "QualificationStatusEnum": "apps.operators.choices.QualificationStatus",
        "AgreementStatusEnum": "apps.operators.choices.AgreementStatus",
        "ReportStatusEnum": "apps.operators.choices.ReportStatus",
        "DocumentKindEnum": "apps.operators.choices.DocumentKind",
        "WebhookDeliveryStatusEnum": "apps.webhooks.choices.DeliveryStatus",
        "ProductStatusEnum": "apps.products.choices.ProductStatus",
        "DeliveryModeEnum": "apps.products.choices.DeliveryMode",
        "UseTypeEnum": "apps.products.choices.UseType",
        "PricingModelEnum": "apps.products.choices.PricingModel",
    },
}

# Celery. Embedded default: kombu's filesystem transport under DATA_DIR (no server).
REDIS_URL = env.str("REDIS_URL", default="")
BROKER_DIR = DATA_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # The host is named so that kombu does not warn at every connection that it is not.
    CELERY_BROKER_URL = "filesystem://localhost//"
    # kombu's filesystem transport, a message written whole before it is seen (config.broker)
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    for _sub in ("queue", "processed", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    # Every folder of the transport, `control` (exchange tables) included: kombu's default
    # for it is ./control in the working directory.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
# Throttle counters live in Redis when there is one (shared by every web process),
# in process memory on the embedded default.
CACHES = {
    # Django's Redis cache, keeping one client per connection pool (apps.core.redis_cache).
    "default": {"BACKEND": "apps.core.redis_cache.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "*.approvals.*": {"queue": "approvals"},
    "*.ingest.*": {"queue": "ingest"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # expires: a missed second is covered by the next run; never pile up stale seals.
    "audit-seal": {"task": "apps.audit.tasks.seal", "schedule": 1.0, "options": {"expires": 5}},
    "audit-checkpoint": {"task": "apps.audit.tasks.checkpoint", "schedule": 60.0},
    "audit-prune": {"task": "apps.audit.tasks.prune", "schedule": 24 * 3600.0},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Outbox (apps.workflow.outbox): asynchronous work is a row; Celery messages only nudge it.
# A running job holds a lease that its progress renews; a lapsed lease is taken over.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_MAIL_MAX_ATTEMPTS = env.int("OUTBOX_MAIL_MAX_ATTEMPTS", default=10)
# Retry n waits RETRY_BASE * 2**(n-1) seconds, at most RETRY_MAX.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=3600)
# A pending item whose nudge may be lost is nudged again after RENUDGE seconds, then after
# twice as long each time (at most RENUDGE_MAX), so work waiting behind a long job does
# not collect a message per sweep.
OUTBOX_RENUDGE_SECONDS = env.int("OUTBOX_RENUDGE_SECONDS", default=300)
OUTBOX_RENUDGE_MAX_SECONDS = env.int("OUTBOX_RENUDGE_MAX_SECONDS", default=3600)
# Countdowns stay well below the Redis visibility timeout (a message held longer than it
# is delivered twice); work due later is left to the sweeper.
OUTBOX_MAX_COUNTDOWN_SECONDS = env.int("OUTBOX_MAX_COUNTDOWN_SECONDS", default=300)
# Finished work is deleted this many days after it ended (failed work is kept).
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE["workflow-outbox-prune"] = {
    "task": "workflow.outbox.prune",
    "schedule": 24 * 3600.0,
}
# Tests only: prefixes every queue the outbox nudges (worker processes on private queues).
OUTBOX_QUEUE_PREFIX = env.str("OUTBOX_QUEUE_PREFIX", default="")
CELERY_BEAT_SCHEDULE["workflow-outbox-sweep"] = {
    "task": "workflow.outbox.sweep",
    "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=30.0),
    "options": {"expires": 25},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "apps.core.logging.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs each layout step of every PDF report at INFO, and fontTools each
        # subset font: a line per step of every report is noise (failures still log).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # On the logger itself, so no handler (file, Sentry, test capture) sees the
        # traceback of a 4xx before the filter drops it.
        "django.request": {"filters": ["request"]},
    },
}

# Audit log (apps/audit/README.md). The checkpoint signing key never lives in the database:
# AUDIT_SIGNING_KEY (PEM or base64 raw Ed25519) or the file AUDIT_SIGNING_KEY_FILE, which
# local and test modes create on first use.
AUDIT_SIGNING_KEY = env.str("AUDIT_SIGNING_KEY", default="")
AUDIT_SIGNING_KEY_FILE = env.str(
    "AUDIT_SIGNING_KEY_FILE", default=str(DATA_DIR / "audit-signing-key.pem")
)
AUDIT_SIGNING_KEY_AUTOCREATE = env.bool("AUDIT_SIGNING_KEY_AUTOCREATE", default=True)
# Public keys of rotated-out signing keys: checkpoints they signed must still verify.
AUDIT_RETIRED_PUBLIC_KEY_FILES = env.list("AUDIT_RETIRED_PUBLIC_KEY_FILES", default=[])
AUDIT_CHECKPOINT_EVERY = env.int("AUDIT_CHECKPOINT_EVERY", default=10_000)
AUDIT_SEAL_BATCH = env.int("AUDIT_SEAL_BATCH", default=2_000)
AUDIT_RETENTION_ACCESS_DAYS = env.int("AUDIT_RETENTION_ACCESS_DAYS", default=183)
AUDIT_RETENTION_PERSONAL_INFO_DAYS = env.int("AUDIT_RETENTION_PERSONAL_INFO_DAYS", default=1096)
AUDIT_RETENTION_RECORD_DAYS = env.int("AUDIT_RETENTION_RECORD_DAYS", default=1096)
AUDIT_PARTITIONS_AHEAD = env.int("AUDIT_PARTITIONS_AHEAD", default=12)
# A refusal recorded inside a transaction (that the refusal is about to roll back) is
# written on its own connection. Test settings turn it off: each test's transaction must
# keep its events to itself (the out-of-band path has its own transactional tests).
AUDIT_DENIALS_OUT_OF_BAND = env.bool("AUDIT_DENIALS_OUT_OF_BAND", default=True)
# The audit INSERT is a server-side prepared statement (PostgreSQL). Turn it off behind a
# pooler in transaction mode that cannot keep prepared statements (PgBouncer < 1.21).
# apps.core.prepared (AUDIT_PREPARED_INSERT is its earlier name, still read).
DB_PREPARED_STATEMENTS = env.bool(
    "DB_PREPARED_STATEMENTS", default=env.bool("AUDIT_PREPARED_INSERT", default=True)
)


def plan_prepared_once(database: dict) -> None:
    """The statements apps.core.prepared prepares are planned once per connection, not
    again at each run (PostgreSQL plans each of the first five runs and goes on
    re-planning while its custom plans look cheaper): each is an indexed lookup or an
    INSERT, whose generic plan is the custom one. Django's own statements bind client-side
    and are never prepared, so nothing else changes. Sent at connection start, at no extra
    round trip."""
    if DB_PREPARED_STATEMENTS and database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        generic = "-c plan_cache_mode=force_generic_plan"
        options["options"] = f"{options.get('options', '')} {generic}".strip()


plan_prepared_once(DATABASES["default"])

ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")

# Password given to demo users by `manage.py seed_demo` (demo data only, never production).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-pass-2026")
# seed_demo (known passwords) runs only where this is on: the embedded default (local.py)
# and the tests.
DEMO_DATA_ALLOWED = False

# Catalog: registration rules (2025 Interim Measures for Public Data Resource Registration).
# Pseudonyms (the `hash` masking rule): HMAC keys of their own, never SECRET_KEY, as
# "id=secret,id2=secret2"; CATALOG_PSEUDONYM_KEY_ID names the one in use (its id prefixes
# every pseudonym). Local and test modes have a fixed key; production requires one.
CATALOG_PSEUDONYM_KEYS = env.dict("CATALOG_PSEUDONYM_KEYS", default={})
CATALOG_PSEUDONYM_KEY_ID = env.str("CATALOG_PSEUDONYM_KEY_ID", default="")
CATALOG_REGISTRY_PREFIX = env.str("CATALOG_REGISTRY_PREFIX", default="GJSJ")
CATALOG_NOTICE_DAYS = env.int("CATALOG_NOTICE_DAYS", default=5)
CATALOG_REGISTRATION_YEARS = env.int("CATALOG_REGISTRATION_YEARS", default=3)
# A renewal filed before expiry keeps the entry in the registry this long past the expiry
# while it waits for its decision; then the entry lapses and the renewal stays open.
CATALOG_RENEWAL_GRACE_DAYS = env.int("CATALOG_RENEWAL_GRACE_DAYS", default=30)
# Due date of the regulator's review step after a submission.
CATALOG_REVIEW_DAYS = env.int("CATALOG_REVIEW_DAYS", default=20)
CATALOG_REMINDER_DAYS = [
    int(d) for d in env.list("CATALOG_REMINDER_DAYS", default=["90", "30", "7"])
]
CELERY_BEAT_SCHEDULE["catalog-registration-timers"] = {
    "task": "catalog.registration_timers",
    "schedule": env.float("CATALOG_TIMER_SECONDS", default=300.0),
}

# Operators and authorization agreements (2025 Implementation Norms, trial).
OPERATORS_MAX_AGREEMENT_YEARS = env.int("OPERATORS_MAX_AGREEMENT_YEARS", default=5)
OPERATORS_NOTICE_DAYS = env.int("OPERATORS_NOTICE_DAYS", default=7)
OPERATORS_REVIEW_DAYS = env.int("OPERATORS_REVIEW_DAYS", default=20)
OPERATORS_REMINDER_DAYS = [
    int(d) for d in env.list("OPERATORS_REMINDER_DAYS", default=["90", "30", "7"])
]
# The annual disclosure report for the previous year is due on this day ("MM-DD"); a report
# not filed by then is flagged to the regulator.
OPERATORS_ANNUAL_REPORT_DUE = env.str("OPERATORS_ANNUAL_REPORT_DUE", default="03-31")
# Days before that date on which operators are reminded of the annual report.
OPERATORS_REPORT_REMINDER_DAYS = [
    int(d) for d in env.list("OPERATORS_REPORT_REMINDER_DAYS", default=["30", "7"])
]
OPERATORS_REREVIEW_DAYS = env.int("OPERATORS_REREVIEW_DAYS", default=365)
OPERATORS_DOCUMENT_MAX_BYTES = env.int("OPERATORS_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
API_LARGE_BODY_PATHS += [
    # Qualification documents, signed agreements and report attachments (+ multipart margin).
    (
        r"^/api/v1/operators/(profiles|agreements)/\d+/documents?/$",
        OPERATORS_DOCUMENT_MAX_BYTES + 65536,
    ),
    (r"^/api/v1/operators/reports/$", OPERATORS_DOCUMENT_MAX_BYTES + 65536),
]
WEB_LARGE_BODY_PATHS += [
    # The same documents through the portal's forms (the rest of the form on top).
    (
        r"^/portal/(operator/documents|agreements/\d+/signed-document|reports)/$",
        OPERATORS_DOCUMENT_MAX_BYTES + WEB_MAX_BODY_BYTES,
    ),
]
OPERATORS_FILES_DIR = DATA_DIR / "operators"
CELERY_BEAT_SCHEDULE["operators-timers"] = {
    "task": "operators.timers",
    "schedule": env.float("OPERATORS_TIMER_SECONDS", default=3600.0),
}
OPERATORS_NUMBER_PREFIX = env.str("OPERATORS_NUMBER_PREFIX", default="SQYY")

# Webhooks (apps.webhooks): signed event deliveries to HTTPS endpoints, through the outbox.
# A rotated signing secret stays valid this long, so receivers can switch.
# Signing secrets are sealed at rest (apps.webhooks.sealing) with these Fernet keys,
# newest first, or the key file (created on first use unless AUTOCREATE is off).
WEBHOOKS_SECRET_KEYS = env.list("WEBHOOKS_SECRET_KEYS", default=[])
WEBHOOKS_SECRET_KEY_FILE = env.str(
    "WEBHOOKS_SECRET_KEY_FILE", default=str(DATA_DIR / "webhook-secret-key")
)
WEBHOOKS_SECRET_KEY_AUTOCREATE = env.bool("WEBHOOKS_SECRET_KEY_AUTOCREATE", default=True)
WEBHOOKS_SECRET_GRACE_HOURS = env.int("WEBHOOKS_SECRET_GRACE_HOURS", default=24)
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=5.0)
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=6)
WEBHOOKS_MAX_ENDPOINTS = env.int("WEBHOOKS_MAX_ENDPOINTS", default=20)
# Tests only: lets http://127.0.0.1 receive deliveries. Production refuses to start with it.
WEBHOOKS_ALLOW_INSECURE_LOOPBACK = env.bool("WEBHOOKS_ALLOW_INSECURE_LOOPBACK", default=False)
# Data products (apps.products): days the authority has to review a submitted product.
PRODUCTS_REVIEW_DAYS = env.int("PRODUCTS_REVIEW_DAYS", default=10)

# Access applications and grants (apps.grants).
# Requests per minute a grant allows (its rate limit, frozen when it is issued).
GRANTS_RATE_PER_MINUTE = env.int("GRANTS_RATE_PER_MINUTE", default=600)
# Reviewers are reminded this many hours before a step's deadline.
GRANTS_REMINDER_HOURS = env.int("GRANTS_REMINDER_HOURS", default=24)
# Application attachments (stored like the operators' documents, same size limit).
API_LARGE_BODY_PATHS += [
    (r"^/api/v1/applications/\d+/attachments/$", OPERATORS_DOCUMENT_MAX_BYTES + 65536),
]
WEB_LARGE_BODY_PATHS += [
    # The application form (new or edited) takes one attachment, as does its own form.
    (
        r"^/portal/applications/(new/\d+|\d+/edit|\d+/attach)/$",
        OPERATORS_DOCUMENT_MAX_BYTES + WEB_MAX_BODY_BYTES,
    ),
]
CELERY_BEAT_SCHEDULE["grants-timers"] = {
    "task": "grants.timers",
    "schedule": env.float("GRANTS_TIMER_SECONDS", default=300.0),
    "options": {"expires": 240},
}

# Sandbox queries (apps.delivery.sandbox): groups of fewer than SANDBOX_K source rows are
# never released; a query runs at most SANDBOX_TIMEOUT_SECONDS and returns at most
# SANDBOX_MAX_ROWS groups. Each grant's scoped copy of its data lives under
# DATA_DIR/sandbox/ (rebuilt from the dataset version when missing).
SANDBOX_K = env.int("SANDBOX_K", default=10)
SANDBOX_TIMEOUT_SECONDS = env.float("SANDBOX_TIMEOUT_SECONDS", default=10.0)
SANDBOX_MAX_ROWS = env.int("SANDBOX_MAX_ROWS", default=1000)
SANDBOX_MEMORY_LIMIT = env.str("SANDBOX_MEMORY_LIMIT", default="512MB")
# A query whose rows differ from those of one of the grant's last
# SANDBOX_DIFFERENCING_HISTORY accepted queries by fewer than SANDBOX_K rows is refused.
SANDBOX_DIFFERENCING_HISTORY = env.int("SANDBOX_DIFFERENCING_HISTORY", default=50)
# A refusal that the rows decide (too few rows kept or left out, differencing, an error a
# value raised) answers a yes/no question about the data: a grant has this many a day, then
# its sandbox queries wait for tomorrow (429 sandbox_refusals_spent).
SANDBOX_DATA_REFUSALS_PER_DAY = env.int("SANDBOX_DATA_REFUSALS_PER_DAY", default=30)
# Accepted queries further back are compared too when one of their released sets is near
# a new query's in size (fewer than SANDBOX_K rows apart): at most this many, newest first.
SANDBOX_DIFFERENCING_NEAR = env.int("SANDBOX_DIFFERENCING_NEAR", default=200)
# How many of the grant's accepted queries (newest first) are looked through for those.
SANDBOX_DIFFERENCING_NEAR_SCAN = env.int("SANDBOX_DIFFERENCING_NEAR_SCAN", default=20000)

# The regulator's dashboard (apps.console.figures): today's figures are recomputed this
# often by beat; the page reads the stored row, the to-dos are counted live.
CELERY_BEAT_SCHEDULE["console-dashboard-refresh"] = {
    "task": "console.dashboard_refresh",
    "schedule": env.float("DASHBOARD_REFRESH_SECONDS", default=900.0),
    "options": {"expires": 840},
}

# Console list exports (apps.core.tables): at most this many rows per CSV/XLSX download.
EXPORT_LIMIT = env.int("EXPORT_LIMIT", default=100_000)
# Anomaly alerts on deliveries (apps.delivery.alerts, README "Anomaly alerts"): beat
# evaluates every rule this often; a rule reads this many hours of the audit log back.
ALERTS_EVALUATE_SECONDS = env.float("ALERTS_EVALUATE_SECONDS", default=300.0)
ALERTS_LOOKBACK_HOURS = env.int("ALERTS_LOOKBACK_HOURS", default=6)
# Volume: today's rows above max(factor x the median of the previous days, floor).
ALERTS_BASELINE_DAYS = env.int("ALERTS_BASELINE_DAYS", default=14)
ALERTS_VOLUME_FACTOR = env.float("ALERTS_VOLUME_FACTOR", default=5.0)
ALERTS_VOLUME_FLOOR_ROWS = env.int("ALERTS_VOLUME_FLOOR_ROWS", default=10000)
# Access hours (a grant's scope may carry its own "access_hours").
ALERTS_ACCESS_HOURS = env.str("ALERTS_ACCESS_HOURS", default="07:00-22:00")
ALERTS_HOURS_TIME_ZONE = env.str("ALERTS_HOURS_TIME_ZONE", default="Asia/Shanghai")
# Denied requests of one grant or key within a window.
ALERTS_DENIAL_BURST = env.int("ALERTS_DENIAL_BURST", default=20)
ALERTS_DENIAL_WINDOW_MINUTES = env.int("ALERTS_DENIAL_WINDOW_MINUTES", default=10)
# A key's networks (/24, /64) remembered this many days.
ALERTS_NEW_NETWORK_DAYS = env.int("ALERTS_NEW_NETWORK_DAYS", default=30)
# Exports a day (audit events delivery.export*): max(factor x median, floor).
ALERTS_EXPORT_FACTOR = env.float("ALERTS_EXPORT_FACTOR", default=5.0)
ALERTS_EXPORT_FLOOR = env.int("ALERTS_EXPORT_FLOOR", default=20)
# What a rule does by itself when it fires: rule=none|key_suspended|grant_suspended,
# e.g. "denial_burst=key_suspended,volume=grant_suspended". Unnamed rules only alert.
ALERTS_ACTIONS = env.dict("ALERTS_ACTIONS", default={})
CELERY_BEAT_SCHEDULE["delivery-alerts"] = {
    "task": "delivery.alerts_evaluate",
    "schedule": ALERTS_EVALUATE_SECONDS,
    "options": {"expires": max(ALERTS_EVALUATE_SECONDS - 30, 30)},
}
# Record pages (apps.delivery.readahead): one DuckDB read takes this many rows (0: only
# the page) and keeps the rows after the page for the next cursor, in at most this many
# bytes per process (0: nothing kept).
DELIVERY_READ_AHEAD_ROWS = env.int("DELIVERY_READ_AHEAD_ROWS", default=1000)
DELIVERY_READ_AHEAD_BYTES = env.int("DELIVERY_READ_AHEAD_BYTES", default=32 * 1024 * 1024)
# Rows read longer ago than this are dropped, not served (nor kept in memory).
DELIVERY_READ_AHEAD_SECONDS = env.float("DELIVERY_READ_AHEAD_SECONDS", default=60.0)
# Bulk exports (apps.delivery.exports): rows per streamed batch, how long a signed download
# link lives, how long a finished file is kept, and how many exports of one grant may wait
# or run at once.
DELIVERY_EXPORT_BATCH_ROWS = env.int("DELIVERY_EXPORT_BATCH_ROWS", default=65536)
# ... and fewer rows for wide tables: about this much Arrow data per batch (a few batches
# are in flight at once).
DELIVERY_EXPORT_BATCH_BYTES = env.int("DELIVERY_EXPORT_BATCH_BYTES", default=16 * 1024 * 1024)
# Threads that mask and watermark an export's batches while one more writes them in order.
DELIVERY_EXPORT_THREADS = env.int("DELIVERY_EXPORT_THREADS", default=2)
# An export reports its progress (and renews its lease) at most this often.
DELIVERY_EXPORT_PROGRESS_SECONDS = env.float("DELIVERY_EXPORT_PROGRESS_SECONDS", default=0.5)
DELIVERY_EXPORT_LINK_SECONDS = env.int("DELIVERY_EXPORT_LINK_SECONDS", default=900)
DELIVERY_EXPORT_KEEP_HOURS = env.int("DELIVERY_EXPORT_KEEP_HOURS", default=72)
DELIVERY_EXPORTS_OPEN_PER_GRANT = env.int("DELIVERY_EXPORTS_OPEN_PER_GRANT", default=2)
DELIVERY_EXPORT_TIME_LIMIT = env.int("DELIVERY_EXPORT_TIME_LIMIT", default=3600)
CELERY_BEAT_SCHEDULE["delivery-exports-prune"] = {
    "task": "delivery.exports.prune",
    "schedule": 3600.0,
}
# The per-request usage events only make a retried metering write count once; the day
# totals (and the audit trail) keep the record. Pruned daily past this many days.
DELIVERY_USAGE_EVENTS_KEEP_DAYS = env.int("DELIVERY_USAGE_EVENTS_KEEP_DAYS", default=35)
CELERY_BEAT_SCHEDULE["delivery-usage-events-prune"] = {
    "task": "delivery.usage_events_prune",
    "schedule": 24 * 3600.0,
}
# Monthly statements and the agreements' revenue cap (apps.delivery.statements, .revenue).
# The operator and the regulator are warned at this share of an agreement's max_revenue;
# at 100 % no new paid grant is issued on its products.
DELIVERY_REVENUE_WARNING_SHARE = env.float("DELIVERY_REVENUE_WARNING_SHARE", default=0.8)
# The largest leaked file the console's leak tracing accepts (read in memory, not kept).
DELIVERY_LEAK_MAX_BYTES = env.int("DELIVERY_LEAK_MAX_BYTES", default=20 * 1024 * 1024)
WEB_LARGE_BODY_PATHS += [(r"^/console/leaks/$", DELIVERY_LEAK_MAX_BYTES + WEB_MAX_BODY_BYTES)]
# The previous month is closed (final statements) on the 1st at 02:00; the current
# month's provisional statements are refreshed this often.
CELERY_BEAT_SCHEDULE["delivery-statements-close"] = {
    "task": "delivery.statements_close",
    "schedule": crontab(day_of_month="1", hour="2", minute="0"),
}
CELERY_BEAT_SCHEDULE["delivery-statements-refresh"] = {
    "task": "delivery.statements_refresh",
    "schedule": env.float("DELIVERY_STATEMENTS_REFRESH_SECONDS", default=3600.0),
    "options": {"expires": 3000},
}
