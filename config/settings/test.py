"""Test settings: real PostgreSQL and Redis (embedded when the URLs are unset)."""

import copy
import os

from .base import *  # noqa: F403
from .base import DATABASES, FRAGMENT_CACHE, REDIS_CACHE_OPTIONS, REDIS_URL, VAR_DIR

# Several test runs may share one machine (parallel work, a CI run beside a dev run):
# TEST_RUN_ID keeps their databases, cache keys, channel groups and media apart.
RUN_ID = os.environ.get("TEST_RUN_ID", "")
# Under pytest-xdist (`make test` runs two workers) each worker is a run of its own.
# The composed id is put back in the environment so that the processes a test
# starts (Celery worker, bench smoke runs) land on the same stores.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and not RUN_ID.endswith(_WORKER):
    RUN_ID = f"{RUN_ID}_{_WORKER}" if RUN_ID else _WORKER
    os.environ["TEST_RUN_ID"] = RUN_ID
_SUFFIX = f"_{RUN_ID}" if RUN_ID else ""
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}{_SUFFIX}"}
# The read replica (core/db_routing.py) is a mirror of the test database, inert
# unless a test sets DATABASE_REPLICA_ALIAS (tests/core/test_db_routing.py).
DATABASES["replica"] = {
    **copy.deepcopy(DATABASES["default"]),
    "TEST": {"MIRROR": "default"},
}
DATABASE_REPLICA_ALIAS = None

DEBUG = False
SECRET_KEY = "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
MESSAGE_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LW1lc3NhZ2Uta2V5LTAxMjM0NTY3ODk="]
# Argon2 stays in production (asserted by a test); tests hash fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / f"test-media{_SUFFIX}"
PRIVATE_MEDIA_ROOT = VAR_DIR / f"test-private-media{_SUFFIX}"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "core.storages.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests use their own Redis databases so they never touch dev data, and flushing
# the cache between tests (conftest) leaves the broker and channel layer alone.
_REDIS_SERVER = REDIS_URL.rsplit("/", 1)[0]
TEST_REDIS_URL = f"{_REDIS_SERVER}/9"
TEST_BROKER_URL = f"{_REDIS_SERVER}/10"
TEST_CHANNELS_URL = f"{_REDIS_SERVER}/11"
CACHES = {
    "default": {
        "BACKEND": "core.cache.FailOpenRedisCache",
        "LOCATION": TEST_REDIS_URL,
        "KEY_PREFIX": f"ped-test{_SUFFIX}",
        "OPTIONS": REDIS_CACHE_OPTIONS,
    },
    "fragments": FRAGMENT_CACHE,
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [TEST_CHANNELS_URL], "prefix": f"ped-test-ws{_SUFFIX}"},
    }
}
CELERY_BROKER_URL = TEST_BROKER_URL
CELERY_RESULT_BACKEND = TEST_BROKER_URL
WAGTAILADMIN_BASE_URL = "http://testserver"
# Passkeys over the test server's plain http (as on the demo's localhost).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

# WhiteNoise serves from the finders here; the folder only has to exist. It looks
# a file up when asked (autorefresh) instead of listing every static file when
# the middleware is built: each test Client builds it again, and the listing cost
# 0.12 s per Client (about a tenth of the suite).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks enqueued by code under test run in-process so their effects can be asserted;
# tests/core/test_celery.py turns this off to prove the real worker round trip.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Payments: a test that talks to Stripe requests the `stripe_local` fixture
# (tests/localstripe.py), which points these at its localstripe. Without it the
# client gets a refused loopback port, never the real API.
STRIPE_API_BASE = "http://127.0.0.1:9"
STRIPE_SECRET_KEY = "sk_test_unset"  # noqa: S105 - a fake key, no account
STRIPE_WEBHOOK_SECRET = ""

# Browser and page tests visit public pages anonymously: the age gate is off here
# and turned on only by its own tests (tests/cms_pages/test_age_gate.py).
AGE_GATE_ENABLED = False
# The full-page cache likewise (tests/cms_pages/test_page_cache*.py turn it on):
# page tests count the queries of a render, and change rows without signals.
PAGE_CACHE_ENABLED = False
# Likewise renewal of changed terms: factory users have no consent rows
# (tests/accounts/test_consent_renewal.py turns it on).
CONSENT_RENEWAL_ENABLED = False
