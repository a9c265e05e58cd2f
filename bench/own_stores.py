"""Every benchmark runs on stores of its own, so dev data is never touched: a
database of its own on the dev PostgreSQL server (created on first run, then
reused) and, where it needs one, a Redis database number of its own on the dev
Redis server. The dev servers are the ones of DATABASE_URL / REDIS_URL, or the
embedded ones under var/ when those are unset.

``BENCH_SUFFIX`` (unset by hand) is appended to every database name: the smoke
tests (tests/bench/test_smoke.py) set it per TEST_RUN_ID, so parallel runs never
share, migrate or drop one another's database, nor a developer's ``bench_*``."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_database_name(name: str) -> str:
    suffix = os.environ.get("BENCH_SUFFIX", "")
    return f"{name}_{suffix}" if suffix else name


def server_url(database: str) -> str:
    """The dev server's URL with the database name swapped for ``database``."""
    from config import embedded

    base = os.environ.get("DATABASE_URL") or embedded.postgres_url(
        embedded.var_dir_from_env(ROOT)
    )
    return urlunsplit(urlsplit(base)._replace(path=f"/{database}"))


def bench_database_url(name: str) -> str:
    """The URL of the bench database ``name`` (plus ``BENCH_SUFFIX``), created
    empty if it does not exist yet."""
    import psycopg

    name = bench_database_name(name)
    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    return server_url(name)


def bench_redis_url(number: int) -> str:
    """The dev Redis server, database ``number``."""
    from config import embedded

    base = os.environ.get("REDIS_URL") or embedded.redis_url(
        embedded.var_dir_from_env(ROOT)
    )
    return urlunsplit(urlsplit(base)._replace(path=f"/{number}"))


def drop_celery_queue() -> None:
    """No worker consumes a bench's own Redis database: drop what its requests
    queued (emails, webhook processing), so the next run starts empty. Call it
    with Django set up."""
    import redis
    from django.conf import settings

    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
