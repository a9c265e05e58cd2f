"""The migrated database the bench smoke runs start from (tests/bench/test_smoke.py).

A ``migrate`` of this project from nothing takes 80-100 s of one core (278
migrations, most of the time in Django rendering model states). pytest-django
has just paid that for the worker's own test database, so the template is a
copy of it (``CREATE DATABASE ... TEMPLATE``, a file copy of a few seconds),
made in ``django_db_setup`` (tests/conftest.py) before any test can have
flushed the rows migrations wrote (Wagtail's root page, the default site, the
groups). With ``--reuse-db`` the test database may have been flushed by an
earlier run: then the template is migrated as before."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
SMOKE_MODULE = "tests/bench/test_smoke.py"
RUN_ID = os.environ.get("TEST_RUN_ID", "")
SUFFIX = re.sub(r"\W", "_", f"smoke_{RUN_ID}" if RUN_ID else "smoke").lower()
TEMPLATE = f"bench_template_{SUFFIX}"
MIGRATE_TIMEOUT = 600  # the fallback path on 2 busy cores


def server_url(database: str) -> str:
    db = settings.DATABASES["default"]
    host = db["HOST"]
    if host.startswith("/"):  # embedded server: Unix socket directory
        return f"postgres://{db['USER']}@/{database}?host={host}"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{database}"


def admin(sql: str) -> None:
    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def drop(database: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def smoke_selected(items: Iterable[pytest.Item]) -> bool:
    return any(item.nodeid.startswith(SMOKE_MODULE) for item in items)


def template_create() -> str:
    """Called once per worker, right after its test database was set up."""
    drop(TEMPLATE)
    if _freshly_migrated():
        source = settings.DATABASES["default"]["NAME"]
        connections.close_all()  # a template must have no other session
        admin(f'CREATE DATABASE "{TEMPLATE}" TEMPLATE "{source}"')
    else:
        admin(f'CREATE DATABASE "{TEMPLATE}"')
        _migrate(TEMPLATE)
    return TEMPLATE


def _freshly_migrated() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM wagtailcore_page WHERE depth = 1)"
            " AND EXISTS (SELECT 1 FROM wagtailcore_site)"
        )
        return cursor.fetchone()[0]


def _migrate(database: str) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.bench.smoke_settings",
            "DATABASE_URL": server_url(database),
        },
        capture_output=True,
        text=True,
        timeout=MIGRATE_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
