"""Settings of the bench smoke runs (tests/bench/test_smoke.py): the dev settings
the benches run with by hand, except that cache keys, channel groups and the
Celery queue carry this test run's id. The benches share Redis database numbers
(12 to 14) with every other run on the machine; with their own prefixes two
parallel smoke runs (or a smoke run beside a real measurement) never read each
other's cached facets, join each other's socket groups or drop each other's
queue."""

import os

from config.settings.dev import *  # noqa: F403
from config.settings.dev import CACHES, CHANNEL_LAYERS

RUN_ID = os.environ.get("TEST_RUN_ID", "")
SMOKE_TAG = f"bench-smoke-{RUN_ID}" if RUN_ID else "bench-smoke"

CACHES["default"]["KEY_PREFIX"] = f"ped-{SMOKE_TAG}"
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"ped-ws-{SMOKE_TAG}"
CELERY_TASK_DEFAULT_QUEUE = f"celery-{SMOKE_TAG}"
