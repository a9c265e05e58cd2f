"""Operational endpoints and the site-wide error views."""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.errors import error_response, wants_json

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Dependencies are /readyz's business."""
    return JsonResponse({"status": "ok"})


# Without these the process cannot serve: /readyz answers 503.
REQUIRED = ("database", "migrations")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness, per part. PostgreSQL and migrations are required (503). Each
    Redis role is reported on its own; one that is down makes the answer
    "degraded" but still 200: pages, search, reads and most writes keep working
    without Redis (docs/operations.md), so a load balancer must not take every
    node out because Redis is."""
    checks = {
        "database": _check_database(),
        "cache": _check_redis(settings.CACHES["default"]["LOCATION"]),
        "broker": _check_redis(settings.CELERY_BROKER_URL),
        "channel_layer": _check_redis(_channel_layer_url()),
        "migrations": _check_migrations(),
    }
    if any(checks[name] != "ok" for name in REQUIRED):
        status = "unavailable"
    elif any(value != "ok" for value in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "checks": checks},
        status=503 if status == "unavailable" else 200,
    )


def _check_database() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # Any failure means "not ready"; the reason goes to the log.
        logger.exception("readyz: database check failed")
        return "error"


def _check_redis(url: str) -> str:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return "ok"
    except (redis.RedisError, OSError):
        logger.warning("readyz: redis check failed", exc_info=True)
        return "error"


def _channel_layer_url() -> str:
    host = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    return host["address"] if isinstance(host, dict) else host


def _check_migrations() -> str:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        return "ok" if not plan else "pending"
    except Exception:
        logger.exception("readyz: migration check failed")
        return "error"


# The colour tokens as the style guide shows them (the values live in site.css).
STYLEGUIDE_COLOURS = (
    ("ink", "#211a26", "Text"),
    ("muted", "#5e5466", "Secondary text"),
    ("paper", "#f8f4ee", "Page background"),
    ("surface", "#fffdfa", "Cards, inputs"),
    ("line", "#e4dbcf", "Hairlines"),
    ("accent", "#5b2340", "Buttons, links"),
    ("accent-ink", "#fffdfa", "Text on accent"),
    ("gold", "#8a6a2b", "Gold text, focus ring"),
    ("gold-light", "#d9bd84", "Gold on night"),
    ("night", "#1c1520", "Header, footer, hero"),
    ("danger", "#a02a2a", "Errors"),
    ("success", "#2f6b45", "Verified, confirmed"),
)
STYLEGUIDE_STEPS = ("5", "4", "3", "2", "1", "0", "-1")
STYLEGUIDE_SPACES = ("1", "2", "3", "4", "5", "6", "7")


@require_GET
def styleguide(request: HttpRequest) -> HttpResponse:
    """Every component of static/css/site.css with an example (docs/design.md)."""
    return render(
        request,
        "styleguide.html",
        {
            "colours": STYLEGUIDE_COLOURS,
            "steps": STYLEGUIDE_STEPS,
            "spaces": STYLEGUIDE_SPACES,
        },
    )


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error_view(
        request, 400, "bad_request", "The request could not be understood."
    )


def permission_denied(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error_view(
        request, 403, "permission_denied", "You are not allowed to do this."
    )


def page_not_found(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error_view(request, 404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return error_response(500, "server_error", "Something went wrong on our side.")
    # Rendered without a request context: the failure may be in what a context
    # processor needs (database, session).
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def _error_view(
    request: HttpRequest, status: int, code: str, message: str
) -> HttpResponse:
    if wants_json(request):
        return error_response(status, code, message)
    return render(request, f"{status}.html", {"message": message}, status=status)
