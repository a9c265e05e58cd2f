"""Production: every secret and address comes from the environment; refuses to start
without SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, REDIS_URL and
MESSAGE_ENCRYPTION_KEYS, or with a message key that is not a Fernet key."""

import copy
import os

from django.core.exceptions import ImproperlyConfigured

for _name in (
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "REDIS_URL",
    "MESSAGE_ENCRYPTION_KEYS",
):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(
            f"{_name} must be set in the environment for production settings."
        )

from core.crypto import check_keys  # noqa: E402

from .base import *  # noqa: E402, F403
from .base import LOGGING, MESSAGE_ENCRYPTION_KEYS, env  # noqa: E402

# A malformed key would otherwise surface only at the first message sent or read.
check_keys(MESSAGE_ENCRYPTION_KEYS)

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
# Over HTTPS only: a stray http:// URL in content is fetched over https.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True  # noqa: F405
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LOGGING["handlers"]["console"]["formatter"] = "json"
# A copy, so that importing these settings never changes base's dict.
DATABASES = copy.deepcopy(DATABASES)  # noqa: F405
for _database in DATABASES.values():  # the primary, and the replica when set
    _database["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)  # noqa: F405
# The ASGI service (WebSockets, and uvicorn if it serves HTTP) needs the pool;
# DB_POOL_MAX_SIZE=0 falls back to persistent connections (WSGI, PgBouncer).
for _database in DATABASES.values():
    use_connection_pool(_database, env.int("DB_POOL_MAX_SIZE", default=8))  # noqa: F405
EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)

# Payments: never the local fake (docs/payments.md).
_stripe_api_base = env("STRIPE_API_BASE", default="")
if "127.0.0.1" in _stripe_api_base or "localhost" in _stripe_api_base:
    raise ImproperlyConfigured("STRIPE_API_BASE points at a local fake in production.")
