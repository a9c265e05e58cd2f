"""Redis "down" in this process, without touching the shared server: the cache,
the channel layer and the Celery broker at a closed loopback port, until
``end()`` points them back at the working server (recovery without restart)."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from config.celery import app

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens: refused at once


class Outage:
    """Every Redis role at a closed port, in this process; ``end()`` points
    them back at the working server (recovery without restart)."""

    def __init__(self) -> None:
        self.working_broker = app.conf.broker_url
        # The fragment cache is in-process memory, not Redis: it stays.
        cache_config = {
            **settings.CACHES,
            "default": {**settings.CACHES["default"], "LOCATION": CLOSED},
        }
        layers = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [CLOSED], "prefix": "down"},
            }
        }
        self.settings = override_settings(
            CACHES=cache_config, CHANNEL_LAYERS=layers, CELERY_BROKER_URL=CLOSED
        )
        self.active = False

    def start(self) -> None:
        app._after_fork()  # drop pooled broker connections (close() deregisters)
        app.conf.update(broker_url=CLOSED, task_always_eager=False)
        self.settings.enable()
        self.active = True

    def end(self) -> None:
        if self.active:
            self.settings.disable()
            app._after_fork()
            app.conf.update(broker_url=self.working_broker, task_always_eager=True)
            self.active = False
