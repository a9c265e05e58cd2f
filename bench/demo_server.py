"""A demo site built from scratch for the browser-side benchmarks
(bench/lighthouse.py) and the screenshot gallery (bench/screenshots.py): a fresh
database of its own (dropped and created again), migrated and seeded with the demo
data, served by uvicorn on 127.0.0.1 the way ``make demo`` serves it, with DEBUG
off, until the ``with`` block ends.

``--keep-data`` on either script reuses the database of the previous run instead
(for iterating on a page; the figures of such a run are not first-seen ones)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from own_stores import ROOT, bench_database_name, bench_redis_url, server_url

sys.path.insert(0, str(ROOT))  # config.embedded, when DATABASE_URL is unset
PYTHON = sys.executable


@dataclass(frozen=True)
class DemoSite:
    base: str
    env: dict[str, str]

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _environment(*, database: str, redis_db: int, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=server_url(database),
        REDIS_URL=bench_redis_url(redis_db),
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="false",
        PORT=str(port),
        # Lighthouse and the screenshot browser ask for many pages in a row.
        THROTTLE_ANON="1000000/min",
        THROTTLE_USER="1000000/min",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def _wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the demo server did not answer on {base} in {seconds:.0f} s")


@contextlib.contextmanager
def demo_site(
    *, name: str, redis_db: int, port: int, keep_data: bool = False
) -> Iterator[DemoSite]:
    database = bench_database_name(name)
    env = _environment(database=database, redis_db=redis_db, port=port)
    if not keep_data:
        _recreate_database(database)
        started = time.monotonic()
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "seed_demo")
        # `make demo` starts a Celery worker that delivers what the seed queued
        # (availability after the bookings seed set hours); no worker runs here,
        # so the same work is done once before serving.
        _manage(env, "rebuild_search_index")
        print(f"fresh database {database} seeded in {time.monotonic() - started:.0f} s")
    base = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.gettempdir()) / f"{database}-server.log"
    log = log_path.open("w")
    print(f"server log: {log_path}")
    server = subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
        [
            PYTHON,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--forwarded-allow-ips",
            "",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(base)
        yield DemoSite(base=base, env=env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def demo_paths(env: dict[str, str]) -> dict[str, str]:
    """The main public pages of the seeded demo, found in its database: a city with
    profiles, the demo escort's live profile, a search from that city."""
    script = (
        "from directory.models import EscortProfilePage as P;"
        "p = P.objects.showable().filter(owner__email='escort@demo.test').first()"
        " or P.objects.showable().first();"
        "city = p.home_city;"
        "print(p.url); print(city.url); print(city.pk); print(p.pk)"
    )
    out = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    profile, city, city_id, profile_id = out[-4:]
    return {
        "home": "/",
        "city": city,
        "profile": profile,
        "search": f"/search/?city={city_id}",
        "sign-in": "/accounts/login/",
        "profile_id": profile_id,
    }


def bench_root() -> Path:
    return ROOT / "bench"
