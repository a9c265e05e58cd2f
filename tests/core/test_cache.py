"""The fail-open cache (core/cache.py): a dead Redis is a miss, not a 500, and
the breaker skips it for a few seconds instead of paying a timeout per call."""

from __future__ import annotations

import pytest

from core import cache as fail_open
from core.cache import FailOpenRedisCache

CLOSED = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_cache():
    backend = FailOpenRedisCache(
        CLOSED, {"OPTIONS": {"socket_connect_timeout": 0.2, "breaker_seconds": 5}}
    )
    fail_open._paused_until.pop(backend.breaker_key, None)
    yield backend
    fail_open._paused_until.pop(backend.breaker_key, None)


def test_reads_miss_and_writes_are_skipped(dead_cache):
    assert dead_cache.get("k", "default") == "default"
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.set("k", 1) is None
    assert dead_cache.delete("k") is False
    # A lock or once-per-window gate lets the caller through (allauth's lock).
    assert dead_cache.add("k", 1) is True
    assert dead_cache.ping() is False


def test_the_breaker_skips_redis_then_tries_again(dead_cache, monkeypatch):
    calls = []
    real_get = dead_cache._cache.get

    def counting_get(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(args)
        return real_get(*args, **kwargs)

    monkeypatch.setattr(dead_cache._cache, "get", counting_get)
    now = [1000.0]
    monkeypatch.setattr(fail_open.time, "monotonic", lambda: now[0])
    assert dead_cache.get("k") is None
    assert len(calls) == 1 and dead_cache.is_down()
    for _ in range(50):  # a page's worth of cache calls: none reaches Redis
        assert dead_cache.get("k") is None
    assert len(calls) == 1
    now[0] += 5.1  # the pause is over: the next call tries Redis again
    assert not dead_cache.is_down()
    dead_cache.get("k")
    assert len(calls) == 2


def test_a_wrong_command_still_raises(settings):
    from django.core.cache import cache

    cache.set("text", "not a number")
    with pytest.raises(Exception, match="not an integer"):
        cache.incr("text")


def test_one_redis_client_per_server_for_every_cache_object(settings):
    """Django makes a cache object per thread and per asyncio context; each used
    to build a ``redis.Redis`` (and, per object, its pools) for every call."""
    params = {"OPTIONS": {"socket_connect_timeout": 0.2}}
    location = settings.CACHES["default"]["LOCATION"]
    first = FailOpenRedisCache(location, params)
    second = FailOpenRedisCache(location, params)
    client = first._cache.get_client(write=True)
    assert second._cache.get_client(write=True) is client
    assert first._cache.get_client() is client  # one server: reads use it too
    # It is a working client, and another server or other options get their own.
    first.set("shared-client-check", 41)
    assert second.get("shared-client-check") == 41
    other = FailOpenRedisCache(CLOSED, params)
    assert other._cache.get_client(write=True) is not client
    slower = FailOpenRedisCache(location, {"OPTIONS": {"socket_connect_timeout": 1}})
    assert slower._cache.get_client(write=True) is not client
