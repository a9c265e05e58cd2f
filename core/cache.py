"""The cache fails open (issue 10, finding 4). Redis holds nothing the site cannot
do without: rate-limit counters, Wagtail's site root paths, facet counts, badge
counts. When it does not answer, a read is a miss and a write is skipped, the
page is computed from PostgreSQL, and the failure is logged.

A circuit breaker keeps the degraded path fast: after one failure the process
skips Redis for ``breaker_seconds`` (OPTIONS, default 5) instead of paying a
connect timeout on every cache call of every request; the first call after the
pause tries again, so recovery needs no restart."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.exceptions import ServiceUnavailable

logger = logging.getLogger(__name__)

# Only "Redis is not there" fails open; a wrong command still raises.
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)

# Per process and per server list (monotonic deadline): every thread's cache
# object for one location shares the pause.
_paused_until: dict[str, float] = {}

# Per process: one redis.Redis (thread-safe, it borrows a connection from its
# pool per command) for each server and its options.
_clients: dict[tuple, Any] = {}


class SharedRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every cache call, and
    redis-py 8 fills about 170 response callbacks in each: about 0.3 ms a call,
    14 calls on a city page (bench/pages.py, docs/page-speed.md). Its pools also
    live on the cache object, which Django makes per thread and per asyncio
    context, so under ASGI a request could open new connections. Here both are
    made once per process, keyed by server and options. Written by hand: Django
    offers no setting for either."""

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        shared = (
            self._servers[index],
            self._pool_class,
            repr(sorted(self._pool_options.items())),
        )
        client = _clients.get(shared)
        if client is None:
            pool = self._pool_class.from_url(shared[0], **self._pool_options)
            client = _clients.setdefault(shared, self._client(connection_pool=pool))
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.breaker_seconds = float(options.pop("breaker_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = SharedRedisCacheClient
        self.breaker_key = ",".join(self._servers)

    def is_down(self) -> bool:
        """True while the breaker is open (Redis failed a moment ago)."""
        return _paused_until.get(self.breaker_key, 0.0) > time.monotonic()

    def ping(self) -> bool:
        """A live check (breaker first), for writes that need Redis to mean
        anything: they answer 503 rather than pretend (core.cache_require)."""
        return bool(self._guarded(False, self._ping))

    def _ping(self) -> bool:
        return self._cache.get_client(write=True).ping()

    def trip(self) -> None:
        _paused_until[self.breaker_key] = time.monotonic() + self.breaker_seconds

    def _guarded(self, default: Any, call: Callable[..., Any], *args: Any) -> Any:
        if self.is_down():
            return default
        try:
            return call(*args)
        except REDIS_DOWN:
            self.trip()
            logger.warning(
                "cache unavailable: Redis skipped for %ss",
                self.breaker_seconds,
                exc_info=True,
            )
            return default

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guarded(default, super().get, key, default, version)

    def get_many(self, keys: Any, version: Any = None) -> dict:
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guarded(False, super().has_key, key, version)

    def add(self, key: Any, value: Any, timeout: Any = 300, version: Any = None):  # noqa: ANN201
        # Fails open like the rest: "added", so a lock or a once-per-window
        # gate lets the caller through (allauth's rate-limit lock would
        # otherwise spin for a second, then refuse every login). A claim that
        # must be real checks cache_is_down() after it (socket tickets).
        return self._guarded(True, super().add, key, value, timeout, version)

    def set(self, key: Any, value: Any, timeout: Any = 300, version: Any = None):  # noqa: ANN201
        return self._guarded(None, super().set, key, value, timeout, version)

    def set_many(self, data: dict, timeout: Any = 300, version: Any = None) -> list:
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def touch(self, key: Any, timeout: Any = 300, version: Any = None) -> bool:
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guarded(False, super().delete, key, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        return self._guarded(None, super().delete_many, keys, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._guarded(delta, super().incr, key, delta, version)

    def clear(self) -> bool:
        return self._guarded(False, super().clear)


def cache_is_down() -> bool:
    """Whether the default cache is skipping Redis right now (breaker open)."""
    is_down = getattr(default_cache, "is_down", None)
    return bool(is_down and is_down())


def cache_require() -> None:
    """Raise ServiceUnavailable (503 in the error shape) unless Redis answers."""
    ping = getattr(default_cache, "ping", None)
    if ping is not None and not ping():
        raise ServiceUnavailable


def cache_trip() -> None:
    """Code that talks to the cache's Redis client directly (impression
    counters) reports a failure here so the rest of the process skips it too."""
    trip = getattr(default_cache, "trip", None)
    if trip is not None:
        trip()
