"""Prometheus metrics (docs/operations.md, "Metrics").

django-prometheus measures requests in each web process (latency by view and
method, status codes; its before/after middleware). The figures below outlive a
process or belong to another one, so they are kept in Redis and read when
Prometheus scrapes:

- ``celery_queue_length{queue}``: LLEN of each broker queue, read at scrape time;
- ``celery_task_failures_total{task}``: a Celery ``task_failure`` receiver in the
  worker increments a Redis hash field; the web process reads the hash. A counter
  in the worker's own memory would never reach the web's /metrics;
- ``websocket_connections{consumer}``: the ASGI process increments a Redis hash
  field on accept and decrements it on disconnect.

Redis down: the receivers skip the figure (never fail a task or a socket), and
the scrape reports ``metrics_redis_up 0`` without those figures.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterator
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from core.cache import REDIS_DOWN, cache_trip

logger = logging.getLogger(__name__)

FAILURES_KEY = "metrics:celery-task-failures"
SOCKETS_KEY = "metrics:websocket-connections"


# --- Writing (worker and ASGI processes) ------------------------------------------


def _cache_redis() -> redis.Redis:
    # The cache's Redis (with its key prefix below): no extra connection pool.
    return cache._cache.get_client(write=True)


def _hincr(key: str, field: str, amount: int) -> None:
    try:
        _cache_redis().hincrby(cache.make_key(key), field, amount)
    except REDIS_DOWN:
        cache_trip()
        logger.warning("metrics: Redis unavailable, %s not counted", key)


def task_failure_record(sender: Any = None, **kwargs: Any) -> None:  # noqa: ANN401
    """Celery's task_failure signal (connected in CoreConfig.ready)."""
    _hincr(FAILURES_KEY, getattr(sender, "name", None) or "unknown", 1)


def websocket_opened(*, consumer: str) -> None:
    _hincr(SOCKETS_KEY, consumer, 1)


def websocket_closed(*, consumer: str) -> None:
    _hincr(SOCKETS_KEY, consumer, -1)


# --- Reading (the scrape) -------------------------------------------------------------


class RedisFiguresCollector(Collector):
    """Queue lengths, task failures and open sockets, read from Redis per scrape."""

    def collect(self) -> Iterator[Any]:
        try:
            queues = _queue_lengths()
            failures = _hash_of(FAILURES_KEY)
            sockets = _hash_of(SOCKETS_KEY)
        except REDIS_DOWN:
            logger.warning("metrics: Redis unavailable at scrape", exc_info=True)
            yield _redis_up(0)
            return
        yield _redis_up(1)
        queue_family = GaugeMetricFamily(
            "celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"]
        )
        for name, length in queues.items():
            queue_family.add_metric([name], length)
        yield queue_family
        failure_family = CounterMetricFamily(
            "celery_task_failures",
            "Celery tasks that raised, by task, since the counter was created.",
            labels=["task"],
        )
        for name, count in failures.items():
            failure_family.add_metric([name], count)
        yield failure_family
        socket_family = GaugeMetricFamily(
            "websocket_connections", "Open WebSocket connections.", labels=["consumer"]
        )
        for name, count in sockets.items():
            socket_family.add_metric([name], max(count, 0))
        yield socket_family


def _redis_up(value: int) -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "metrics_redis_up", "Whether the Redis figures could be read.", value=value
    )


def _queue_lengths() -> dict[str, int]:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )
    try:
        return {name: int(client.llen(name)) for name in settings.METRICS_CELERY_QUEUES}
    finally:
        client.close()


def _hash_of(key: str) -> dict[str, int]:
    raw = _cache_redis().hgetall(cache.make_key(key))
    return {name.decode(): int(value) for name, value in raw.items()}


_redis_figures = RedisFiguresCollector()


def register_collectors() -> None:
    """Once per process (CoreConfig.ready): the default registry gets the Redis
    figures beside django-prometheus' own."""
    if _redis_figures not in REGISTRY._collector_to_names:
        REGISTRY.register(_redis_figures)


def _registry() -> CollectorRegistry:
    # With several worker processes per server (gunicorn, uvicorn --workers),
    # each holds its own request figures: PROMETHEUS_MULTIPROC_DIR makes
    # prometheus_client write them to files that any worker sums at a scrape.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_redis_figures)
        return registry
    return REGISTRY


# --- The endpoint ---------------------------------------------------------------


def scrape_allowed(request: HttpRequest) -> bool:
    """A bearer token equal to METRICS_TOKEN (compared in constant time), or a
    superuser's session. An empty METRICS_TOKEN accepts no token."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        offered = header.removeprefix("Bearer ").strip()
        if hmac.compare_digest(offered.encode(), token.encode()):
            return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_superuser)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """/metrics for Prometheus. Anyone else gets the site's 404: the endpoint's
    existence is not revealed."""
    if not scrape_allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
