"""Settings shared by every environment. Configuration comes only from the
environment (see ``.env.example``); dev and test fill gaps with embedded services."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from config import embedded
from config.sentry import sentry_init

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = embedded.var_dir_from_env(BASE_DIR)

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The port the demo serves on (`make demo PORT=8001`); the default SITE_URL
# (links in emails, Wagtail's site record, the admin's base URL) follows it.
PORT = env.int("PORT", default=8000)
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{PORT}")
WAGTAIL_SITE_NAME = "Premium Escorts Directory"
# How many reverse proxies we run in front of the app (load balancer, CDN...). Each
# appends the address it saw to X-Forwarded-For, so the client is the entry this
# many places from the right; anything further left was sent by the client and is
# ignored. 0 (the default) trusts no forwarded address at all: REMOTE_ADDR is the
# client. Feeds DRF's NUM_PROXIES (throttles) and allauth's rate limits; see
# docs/operations.md for the ASGI server's own setting.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
WAGTAILADMIN_BASE_URL = SITE_URL

# --- Applications ---------------------------------------------------------------

INSTALLED_APPS = [
    # Wagtail
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.mfa",
    "allauth.usersessions",  # which sessions a user has: sanctions end them
    # API
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    # Real time
    "channels",
    # Operations: Prometheus metrics (/metrics, core/metrics.py)
    "django_prometheus",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",  # templates for Wagtail's sitemap view
    # Ours last, in dependency order (seed_demo runs app seeders in this order, and
    # our ready() hooks run after Wagtail's have connected their signals).
    "core",
    "accounts",
    "audit",
    "notifications",
    "verification",
    "cms_pages",
    "directory",
    "search",
    "payments",  # before bookings and subscriptions, which use it
    "bookings",
    "moderation",  # before messaging, which files reports through it
    "reviews",
    "messaging",
    "subscriptions",  # above directory (plan limits reach it by a hook) and payments
    "analytics",  # reads every app below it; nothing below imports it
    "privacy",  # export, erasure, retention: reads every app's data
    "api",
]

MIDDLEWARE = [
    # Header-only middleware first (outermost): their headers then reach every
    # response, including those the middleware below answer or reshape themselves
    # (413 from the body limit, 405/403/404 in the JSON error shape).
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Compression next: the four above only add headers, so it still compresses
    # the final body of every text response the middleware below produce or
    # reshape (HTML, JSON, and CSS/JS that WhiteNoise serves without a
    # precompressed .gz, as in dev and tests). Django's GZipMiddleware, which
    # since 4.2 pads the gzip header with random bytes against BREACH (CSRF
    # tokens are masked per request as well); responses that already carry
    # Content-Encoding, and images/fonts/attachments, are left alone.
    "core.compression.TextGZipMiddleware",
    # Right below the header-only four and compression, and last in the list:
    # together they time everything else (latency by view, status codes) for
    # /metrics (docs/operations.md, "Metrics").
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.middleware.RequestIdMiddleware",
    # Every request starts reading from the primary (core/db_routing.py).
    "core.db_routing.ReplicaReadsMiddleware",
    "core.middleware.ForwardedForMiddleware",
    "core.middleware.BodySizeLimitMiddleware",
    "core.middleware.JsonErrorShapeMiddleware",
    "core.staticfiles.StaticFilesMiddleware",  # WhiteNoise, hashed files for a year
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth and messages (it needs the user; its page renders base.html).
    "core.middleware.MaintenanceModeMiddleware",
    "core.control_characters.ControlCharacterMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "moderation.suspension.SuspendedAccountMiddleware",
    "accounts.admin_access.AdminAccessMiddleware",
    # Changed terms are accepted before anything else (accounts/consent_renewal.py);
    # then the visitor age gate (cms_pages/age_gate.py). Both need the session
    # and the user (docs/consents-and-cookies.md).
    "accounts.consent_renewal.ConsentRenewalMiddleware",
    "cms_pages.age_gate.AgeGateMiddleware",
    # After authentication: marks the signed-in account active today (Redis).
    "analytics.middleware.ActiveUserMiddleware",
    # Innermost of ours: everything that may answer instead of a page (maintenance,
    # suspension, consent renewal, the age gate) has run; a hit skips the rest.
    "cms_pages.page_cache.PageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "notifications.context_processors.badges",
                "directory.context_processors.saved_profiles",
                "moderation.suspension.suspension_banner",
            ],
        },
    },
]

# --- Data stores ----------------------------------------------------------------


def _database_url() -> str:
    return env("DATABASE_URL", default="") or embedded.postgres_url(VAR_DIR)


def _redis_url() -> str:
    return env("REDIS_URL", default="") or embedded.redis_url(VAR_DIR)


DATABASES = {"default": env.db_url_config(_database_url())}
# A Unix-socket URL ("...?host=/path", as the embedded server gives) arrives as
# OPTIONS["host"]; Django and tools that read settings expect it in HOST.
if socket_dir := DATABASES["default"].get("OPTIONS", {}).pop("host", None):
    DATABASES["default"]["HOST"] = socket_dir
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def use_prepared_statements(database: dict) -> None:
    """Server-side binding, and statements prepared from their second run on a
    connection: a page's queries are the same on every request, so PostgreSQL
    plans each once per connection instead of on every request (several ms for
    a city listing's joins and subqueries; docs/page-speed.md, "Query
    planning"). Django leaves psycopg's preparation off (``prepare_threshold``
    None) unless asked. Off with ``DB_SERVER_SIDE_BINDING=false``, e.g. behind
    PgBouncer before 1.21 in transaction mode, which cannot keep prepared
    statements on a connection (docs/operations.md)."""
    if env.bool("DB_SERVER_SIDE_BINDING", default=True):
        database.setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=2
        )


use_prepared_statements(DATABASES["default"])

# Read scale-out (core/db_routing.py): public search and listing reads of
# visitors go to a streaming replica when one is configured; all else stays on
# the primary. Without DATABASE_REPLICA_URL the router sends everything there.
DATABASE_REPLICA_ALIAS = None
if _replica_url := env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url_config(_replica_url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
    }
    use_prepared_statements(DATABASES["replica"])
    DATABASE_REPLICA_ALIAS = "replica"
DATABASE_ROUTERS = ["core.db_routing.ReadReplicaRouter"]


def use_connection_pool(database: dict, max_size: int) -> None:
    """Django's psycopg pool (docs/operations.md, Settings). Under ASGI each
    request, and each database call of a Channels consumer, runs its sync code in
    a thread of its own: persistent connections (CONN_MAX_AGE) are then opened and
    closed every time, about 10 ms each. A pool keeps them across threads.
    Off with a max size of 0 (e.g. behind PgBouncer in transaction mode)."""
    if max_size <= 0:
        return
    database["CONN_MAX_AGE"] = 0  # the pool owns the connections' lifetime
    database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": max_size,
        "timeout": 10,
    }


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = _redis_url()

# Redis down must not take pages down (docs/operations.md, "When Redis is
# down"): the cache fails open, with short timeouts and a breaker that skips
# Redis for REDIS_BREAKER_SECONDS after a failure (core/cache.py).
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "breaker_seconds": env.float("REDIS_BREAKER_SECONDS", default=5),
}
FRAGMENT_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
CACHES = {
    "default": {
        "BACKEND": "core.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "ped",
        "OPTIONS": REDIS_CACHE_OPTIONS,
    },
    # Rendered fragments keyed on their content (the profile cards,
    # templates/includes/profile_card.html): never invalidated, so each process
    # may keep its own, with no network round trip per card.
    "fragments": FRAGMENT_CACHE,
}

# Message bodies at rest: Fernet keys, comma-separated, the first one encrypts
# (core/crypto.py). Production refuses to start without them.
MESSAGE_ENCRYPTION_KEYS = env.list("MESSAGE_ENCRYPTION_KEYS", default=[])
MESSAGE_RETENTION_DAYS = env.int("MESSAGE_RETENTION_DAYS", default=90)
# How long a finished data export can be downloaded (docs/privacy.md, "Export").
PRIVACY_EXPORT_TTL_DAYS = env.int("PRIVACY_EXPORT_TTL_DAYS", default=7)
MESSAGE_MAX_LENGTH = 4000

# Reviews (docs/reviews.md, "Rules"): a client may review a completed booking up
# to REVIEW_WINDOW_DAYS after it ended, and edit the review for REVIEW_EDIT_HOURS.
REVIEW_WINDOW_DAYS = env.int("REVIEW_WINDOW_DAYS", default=30)
REVIEW_EDIT_HOURS = env.int("REVIEW_EDIT_HOURS", default=48)
# Identity verification (docs/verification.md): how long a selfie code holds,
# and the largest document or selfie accepted (each; the whole multipart body
# is capped by MAX_UPLOAD_SIZE in core.middleware.BodySizeLimitMiddleware).
VERIFICATION_CODE_TTL = timedelta(
    minutes=env.int("VERIFICATION_CODE_TTL_MINUTES", default=30)
)
VERIFICATION_MAX_UPLOAD_SIZE = env.int(
    "VERIFICATION_MAX_UPLOAD_SIZE", default=10 * 1024 * 1024
)

# Redis pub/sub, not channels_redis's list-based core layer: at 200 sockets per
# two workers the core layer's receive loop (four Redis round trips per message,
# one at a time per process) fell behind, timed out on Redis and lost 51-131 of
# 1,000 echoes; pub/sub lost none (bench/messaging.py, docs/operations.md). Its
# delivery is at most once, which is all the sockets need: messages are stored
# first and clients resync by last id (docs/architecture.md, invariant 6).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            # redis-py's pools stop at 100 connections by default: a burst of
            # group_send calls from a few hundred sockets in one process raised
            # "Too many connections" (bench/messaging.py).
            "hosts": [
                {
                    "address": REDIS_URL,
                    "max_connections": env.int("CHANNEL_LAYER_MAX_CONNECTIONS", 1000),
                    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                }
            ],
            "prefix": "ped-ws",
        },
    }
}

# --- Auth and accounts ----------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Role, age statement, terms and marketing: the HTML form and the headless API.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Premium Escorts Directory] "
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so they are visible and reviewed here.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
# Per-IP limits key on the client address allauth reads from X-Forwarded-For only
# past our own proxies (TRUSTED_PROXY_COUNT, below): anyone can send that header.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# Passkeys (WebAuthn, fido2) beside TOTP; recovery codes back both up. A passkey
# also signs in on its own (it is something you have and, unlocked, something
# you are or know). Browsers allow WebAuthn only on https or localhost.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Premium Escorts Directory"
HEADLESS_ONLY = False
# allauth.usersessions records each session at sign-in (accounts.sessions adds
# the sign-ins allauth does not see); activity is not tracked: it would write a
# row on every request and nothing here reads the last-seen time yet.
USERSESSIONS_TRACK_ACTIVITY = False
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = True

# --- Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Django itself answers MEDIA_URL only where nothing in front of it does: the demo
# (dev settings turn it on, DEBUG or not); production serves media from storage.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Files served only by views that check who asks (message attachments): outside
# MEDIA_ROOT, never under MEDIA_URL. Production points STORAGES["private"] at a
# private bucket instead (docs/operations.md).
PRIVATE_MEDIA_ROOT = Path(
    env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private-media"))
)
PRIVATE_STORAGE = {
    "BACKEND": "core.storages.PrivateFileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    # Hashed names (cached for a year by core.staticfiles) and a .gz beside each
    # text file at collectstatic; with the `brotli` package installed WhiteNoise
    # writes and serves .br files too (not a requirement: gzip is enough).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Request bodies: JSON is small; image uploads are capped separately below.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1_048_576)
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)
# Every upload stays in memory: Django would spool files over 2.5 MB to a
# plain temporary file, and an identity document must never touch the disk
# unencrypted (verification encrypts before storing). The body cap of
# core.middleware.BodySizeLimitMiddleware bounds the memory per request.
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_SIZE + 64 * 1024

# --- Wagtail --------------------------------------------------------------------

WAGTAILIMAGES_IMAGE_MODEL = "cms_pages.CustomImage"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = MAX_UPLOAD_SIZE
# Decoding costs memory and CPU by pixels, not bytes (a 115 kB PNG of 40 MP took 5 s
# and 250 MB). 25 MP keeps every phone's and camera's default output (12 MP, the
# 24 MP iPhones at 5712x4284, 6000x4000 cameras) while renditions are 1500 px at
# most; checked from the header before decoding (docs/architecture.md, Images).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 25_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms_pages.forms.CustomImageForm"
# GIF/SVG/AVIF/HEIC are not accepted: every stored original is re-encoded without
# metadata, which we do losslessly enough for these formats only.
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILAPI_LIMIT_MAX = 50
# No third-party requests from the admin either (and none the CSP would refuse):
# no release check against wagtail.org, no Gravatar avatars.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Search ---------------------------------------------------------------------

# Price filters compare hourly rates in one basis: EUR cents. Reference rates, set
# by operations (not live FX): the filter is a guide, the profile shows its own price.
SEARCH_EUR_RATES = {
    "EUR": 1.0,
    "GBP": 1.17,
    "USD": 0.92,
    "CHF": 1.05,
    "CZK": 0.040,
    "AED": 0.25,
}

# --- API ------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly"
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # DRF's renderer: orjson (drf-orjson-renderer) was tried and dropped, it
    # refused error fields keyed by int and wrote decimals as strings
    # (docs/page-speed.md).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="120/min"),
        "user": env("THROTTLE_USER", default="600/min"),
        "uploads": env("THROTTLE_UPLOADS", default="30/hour"),
        # Booking requests and moves, per user.
        "bookings": env("THROTTLE_BOOKINGS", default="30/min"),
        # Messages sent and threads started, per user.
        "messages": env("THROTTLE_MESSAGES", default="20/min"),
        # Saving and removing favourites, per user.
        "favourites": env("THROTTLE_FAVOURITES", default="60/min"),
        # Reports by visitors who are not signed in, per client address.
        "reports_anon": env("THROTTLE_REPORTS_ANON", default="10/hour"),
        # Profile events (beacons: views, gallery opens, contact clicks), per
        # client address or user; each is counted once a day anyway.
        "analytics_events": env("THROTTLE_ANALYTICS_EVENTS", default="120/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # DRF's default (None) keys anonymous throttles on the whole X-Forwarded-For
    # header, which a client rotates at will.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Premium Escorts Directory API",
    "DESCRIPTION": (
        "JSON API of the directory. Errors share one shape: "
        '{"error": {"code", "message", "fields"}}. Accounts live under /_allauth/.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Only our versioned API is documented here; Wagtail's v2 and admin APIs and
    # allauth's headless API publish their own specifications.
    "PREPROCESSING_HOOKS": ["api.schema.only_versioned_api"],
    # Every operation's 4xx, each with the one Error component (api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",
    ],
    # Two choice sets share the field name "kind" (rates, notifications).
    "ENUM_NAME_OVERRIDES": {
        "RateKindEnum": "directory.models.ProfileRate.Kind",
        "NotificationKindEnum": "notifications.models.Kind",
        "ProfileEventKindEnum": "analytics.recording.EventKind",
        # Several "role"/"status" fields with different choices: named here.
        # (The agency API lists plain values, so the overrides list them too.)
        "AgencyStaffRoleEnum": ["owner", "manager"],
        "AgencyInvitationRoleEnum": ["escort", "manager"],
        "ReviewStatusEnum": "reviews.models.Review.Status",
        "ReportStatusEnum": "moderation.models.ReportStatus",
        "ReportTargetTypeEnum": [
            "profile",
            "photo",
            "review",
            "user",
            "message",
            "safety",
            "other",
        ],
    },
}

# --- Celery ---------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a request must not hang when Redis is down: the outbox row is
# the record (core/outbox.py), so one quick try is enough and the sweep resends.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# Only the connect timeout: a read timeout would also cut the worker's blocking
# reads of the queue.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "search-refresh-touring": {
        "task": "search.tasks.refresh_touring",
        "schedule": crontab(hour=0, minute=5),
    },
    "search-refresh-availability": {
        "task": "search.tasks.refresh_availability_all",
        "schedule": crontab(hour=0, minute=20),
    },
    "search-rotate-daily": {
        "task": "search.tasks.rotate_daily",
        "schedule": crontab(hour=0, minute=1),
    },
    "search-choose-rollup-words": {
        "task": "search.tasks.choose_rollup_words",
        "schedule": crontab(hour=0, minute=40),
    },
    "search-flush-impressions": {
        "task": "search.tasks.flush_impressions",
        "schedule": 300.0,
    },
    # Analytics (docs/analytics.md): Redis counters into ProfileDay and
    # UserActiveDay; today's database figures every 15 minutes, and yesterday's
    # once more after midnight (site-local), so late events of the day count.
    "analytics-flush-profile-events": {
        "task": "analytics.tasks.flush_profile_events",
        "schedule": 300.0,
    },
    "analytics-rollup-today": {
        "task": "analytics.tasks.rollup_profile_days",
        "schedule": 900.0,
    },
    "analytics-rollup-yesterday": {
        "task": "analytics.tasks.rollup_profile_days",
        "schedule": crontab(hour=0, minute=30),
        "kwargs": {"days_ago": 1},
    },
    "publish-scheduled-pages": {
        "task": "cms_pages.tasks.publish_scheduled",
        "schedule": 60.0,
    },
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=4, minute=15),
    },
    # Each is idempotent: a late or doubled run moves nothing twice.
    "bookings-expire-requests": {
        "task": "bookings.tasks.expire_requests",
        "schedule": 60.0,
    },
    "bookings-expire-unpaid-deposits": {
        "task": "bookings.tasks.expire_unpaid_deposits",
        "schedule": 60.0,
    },
    "bookings-settle-deposits": {
        "task": "bookings.tasks.settle_deposits_sweep",
        "schedule": 900.0,
    },
    "bookings-complete-finished": {
        "task": "bookings.tasks.complete_finished",
        "schedule": 300.0,
    },
    # The retention schedule (privacy.retention), messages included: it replaces
    # messaging's own purge entry, whose task stays for a manual run.
    "privacy-enforce-retention": {
        "task": "privacy.tasks.enforce_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    # Accounts whose closure's grace period is over (docs/privacy.md, "Erasure").
    "privacy-erase-due-accounts": {
        "task": "privacy.erasure.tasks.erase_due_accounts",
        "schedule": crontab(minute=15),
    },
    "moderation-expire-sanctions": {
        "task": "moderation.tasks.expire_sanctions",
        "schedule": 600.0,
    },
    "bookings-send-reminders": {
        "task": "bookings.tasks.send_reminders",
        "schedule": 300.0,
    },
    "subscriptions-renew-due": {
        "task": "subscriptions.tasks.renew_due",
        "schedule": 600.0,
    },
    # Read-only towards money: reports differences for the admin.
    "payments-reconcile": {
        "task": "payments.tasks.reconcile_task",
        "schedule": crontab(minute=17),
    },
    # What Redis lost: pending outbox entries and emails, from PostgreSQL.
    "deliver-pending": {
        "task": "core.tasks.deliver_pending",
        "schedule": 60.0,
    },
    # Scheduled business report emails; a doubled run sends nothing twice.
    "analytics-send-due-reports": {
        "task": "analytics.report_tasks.send_due_reports",
        "schedule": crontab(minute=5),
    },
}

# --- Email ----------------------------------------------------------------------

EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@premium-escorts.test")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers (strengthened further in production) -----------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is served from our own origin (STYLE: no third-party requests) and no
# page runs inline script: scripts and styles load from static/. A template that
# truly needs an inline script gives it nonce="{{ request.csp_nonce }}". data:
# images are the MFA QR code and Swagger UI's icons. WebSockets are same-origin,
# which 'self' covers in connect-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Wagtail's admin (7.4) writes inline <script> (date widgets, inline panels) and
# style attributes, and frames its own page previews: under CMS_URL_PREFIX these
# directives replace the ones above (core.middleware.ContentSecurityPolicyMiddleware).
# No nonce here: a nonce would switch 'unsafe-inline' off again.
# Where the Wagtail admin is mounted: the URLconf, this policy, the staff MFA gate
# (accounts.admin_access) and robots.txt all read it.
CMS_URL_PREFIX = "/cms/"
CONTENT_SECURITY_POLICY_CMS = {
    "DIRECTIVES": {
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "frame-ancestors": [SELF],
    }
}
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
# Renewal of changed terms (accounts/consent_renewal.py). Test settings turn it
# off: factory users have no consent rows, and page query budgets stay as they
# are; tests/accounts/test_consent_renewal.py turns it on.
CONSENT_RENEWAL_ENABLED = env.bool("CONSENT_RENEWAL_ENABLED", default=True)

# The visitor age gate (cms_pages/age_gate.py): on unless turned off here (test
# settings do); editors pick the countries in Site settings. The country comes
# only from a header a trusted proxy sets (e.g. "CF-IPCountry"); unset, every
# country is unknown and the gate shows.
AGE_GATE_ENABLED = env.bool("AGE_GATE_ENABLED", default=True)
AGE_GATE_COUNTRY_HEADER = env("AGE_GATE_COUNTRY_HEADER", default="")
# Flash messages ride in the session, not in a cookie of their own (Django's
# default falls back to a "messages" cookie): the site sets only the session and
# CSRF cookies (tests/cms_pages/test_cookies.py).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The full-page cache for anonymous visitors (cms_pages/page_cache.py,
# docs/caching.md): Wagtail pages served from Redis under a content version that
# publishing, profile and search-index changes bump. Test settings turn it off
# (page tests count queries of a render); tests/cms_pages/test_page_cache*.py
# turn it on. TIMEOUT bounds what the version does not see (a row changed
# without a signal); MAX_AGE is the browser's, S_MAXAGE a CDN's.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=3600)
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=60)
PAGE_CACHE_S_MAXAGE = env.int("PAGE_CACHE_S_MAXAGE", default=300)
# Query parameters a cached page may carry (listing pagination); any other
# parameter (search terms, utm_*, ?preview) bypasses the cache.
PAGE_CACHE_QUERY_PARAMS = env.list("PAGE_CACHE_QUERY_PARAMS", default=["page"])
# Wagtail's frontend-cache purge for a CDN (wagtail.contrib.frontend_cache),
# off when nothing is set (demo, tests): FRONTEND_CACHE_URL for an HTTP PURGE
# endpoint (Varnish, nginx), CLOUDFLARE_* for Cloudflare, or
# CLOUDFRONT_DISTRIBUTION_ID (needs boto3, not installed by default).
WAGTAILFRONTENDCACHE = {}
if env("FRONTEND_CACHE_URL", default=""):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env("FRONTEND_CACHE_URL"),
    }
if env("CLOUDFLARE_ZONE_ID", default=""):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": env("CLOUDFLARE_BEARER_TOKEN", default=""),
        "ZONEID": env("CLOUDFLARE_ZONE_ID"),
    }
if env("CLOUDFRONT_DISTRIBUTION_ID", default=""):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": env("CLOUDFRONT_DISTRIBUTION_ID"),
    }

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Logging --------------------------------------------------------------------

LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "text": {
            "format": (
                "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s"
            )
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        # Wagtail's background tasks (search index, reference index) log every run.
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Payments (docs/payments.md) ---------------------------------------------------
# Production talks to the real Stripe API: STRIPE_API_BASE stays unset there. In dev
# and tests it points at localstripe on loopback (rundemo and the test fixture set it).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_TIMEOUT_SECONDS = env.int("STRIPE_TIMEOUT_SECONDS", default=20)
# name -> adapter class; an adult-approved acquirer is one more line here.
# Deposits (docs/deposits.md): hours a client has to pay after acceptance (never
# past the start), and the Stripe.js the pay page loads: localstripe serves its
# own under STRIPE_API_BASE in dev and tests.
BOOKING_DEPOSIT_HOURS = env.int("BOOKING_DEPOSIT_HOURS", default=24)
STRIPE_JS_URL = env("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
PAYMENT_GATEWAYS = {
    "stripe": "payments.gateways.stripe.StripeGateway",
    "manual": "payments.gateways.manual.ManualGateway",
}

# --- Operations: metrics and error reporting (docs/operations.md) ------------------

# Bearer token Prometheus sends to /metrics; unset: only a superuser's session.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Broker queues whose length /metrics reports (Celery's default queue).
METRICS_CELERY_QUEUES = env.list("METRICS_CELERY_QUEUES", default=["celery"])
# django-prometheus' migration gauges would query the database at every start.
PROMETHEUS_EXPORT_MIGRATIONS = False

# Sentry only with a DSN (off when unset): Django and Celery errors, no personal
# data (config/sentry.py).
SENTRY_DSN = env("SENTRY_DSN", default="")
sentry_init(
    dsn=SENTRY_DSN,
    environment=env("SENTRY_ENVIRONMENT", default="production"),
    release=env("SENTRY_RELEASE", default="") or None,
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)
