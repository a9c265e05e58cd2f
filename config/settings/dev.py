"""Local development: embedded services unless DATABASE_URL / REDIS_URL are set."""

import copy

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CSRF_TRUSTED_ORIGINS,
    DATABASES,
    MESSAGE_ENCRYPTION_KEYS,
    PORT,
    PRIVATE_STORAGE,
    SECRET_KEY,
    env,
    use_connection_pool,
)

# Off by default: the demo is what visitors see, so an unknown URL answers the branded
# 404 page, never Django's technical one (which also lists every URL pattern).
# DJANGO_DEBUG=true brings tracebacks back for a developer's own session.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A fixed key is fine on a developer's loopback-only server; production refuses it.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production-0123456789"  # noqa: S105
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
# A throwaway key for demo messages; production refuses to start without its own.
MESSAGE_ENCRYPTION_KEYS = MESSAGE_ENCRYPTION_KEYS or [
    "ZGV2LW9ubHktbWVzc2FnZS1rZXktMDEyMzQ1Njc4OTA="
]
# Forms posted to the demo's own port (PORT, default 8000) pass the CSRF origin check.
CSRF_TRUSTED_ORIGINS = CSRF_TRUSTED_ORIGINS or [
    f"http://127.0.0.1:{PORT}",
    f"http://localhost:{PORT}",
]
# The demo serves everything from one ASGI process (uvicorn): pool connections.
# A copy: importing these settings in a process that runs others (a test reads
# a constant from a module built on them) must not change base's dict.
DATABASES = copy.deepcopy(DATABASES)
for _database in DATABASES.values():  # the primary, and the replica when set
    use_connection_pool(_database, env.int("DB_POOL_MAX_SIZE", default=8))
WHITENOISE_AUTOREFRESH = True
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise serves from the finders here; the folder only has to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
# Passkeys on the demo's http://localhost (browsers allow WebAuthn there; fido2
# wants https unless told). Never in production.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
