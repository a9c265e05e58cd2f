"""Every bench runs here at a tiny size, as a subprocess started the way a person
starts it, so a change that breaks one fails the suite instead of the next
measurement (bench/search.py failed on a fresh database for days after
search/migrations/0005 added a NOT NULL column its bulk insert did not fill).

Each run gets a database of its own, cloned from one template per test session
(a copy of the freshly migrated test database, tests/bench/template.py: no
``migrate`` of its own) and named with this run's TEST_RUN_ID
(``BENCH_SUFFIX``, bench/own_stores.py), and dropped afterwards with the
template. Redis keys carry the run id too (tests/bench/smoke_settings.py) and are
deleted at the end. A run passes when it exits 0 and printed its result rows
with numeric percentiles; the figures themselves mean nothing at this size.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.bench.smoke_settings import SMOKE_TAG
from tests.bench.template import SUFFIX, TEMPLATE, admin, drop, server_url

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# servers, pages, search, messaging, bookings, payments (tests use 9-11)
BENCH_REDIS_DBS = (7, 8, 12, 13, 14, 15)
# A hard bound per run: a hung server or socket fails the test instead of the
# suite. Each run takes 5-20 s on 2 busy cores.
RUN_TIMEOUT = 120


def _env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.smoke_settings",
        "DATABASE_URL": server_url("postgres"),
        "REDIS_URL": settings.REDIS_URL,
        "BENCH_SUFFIX": SUFFIX,
        **extra,
    }


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    return output


@pytest.fixture(scope="module")
def template(django_db_setup) -> Iterator[str]:  # noqa: ANN001
    """The migrated template (tests/bench/template.py, made when the test
    database was); this module's Redis keys go at its end."""
    yield TEMPLATE
    _forget_redis_keys()


def _forget_redis_keys() -> None:
    server = settings.REDIS_URL.rsplit("/", 1)[0]
    for number in BENCH_REDIS_DBS:
        client = redis.Redis.from_url(f"{server}/{number}")
        keys = list(client.scan_iter(match=f"*{SMOKE_TAG}*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def bench_database(template: str) -> Iterator[Callable[[str], str]]:
    """``clone(name)`` makes ``<name>_<suffix>`` from the template, as the bench
    finds it then (bench/own_stores.py), and drops it after the test."""
    made: list[str] = []

    def clone(name: str) -> str:
        database = f"{name}_{SUFFIX}"
        drop(database)
        admin(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        made.append(database)
        return database

    yield clone
    for database in made:
        drop(database)


def _percentiles(
    output: str, label: str, *, skip: int = 0
) -> tuple[int, float, float, float]:
    """The row that starts with ``label``: after ``skip`` columns, the count
    (``n`` or ``done/expected``) and p50, p95, p99; asserted numeric and ordered."""
    line = next(
        (row for row in output.splitlines() if row.strip().startswith(label)), None
    )
    assert line is not None, f"no row {label!r} in:\n{output[-4000:]}"
    columns = line.strip()[len(label) :].split()[skip:]
    count = int(columns[0].split("/")[0])
    p50, p95, p99 = (float(value) for value in columns[1:4])
    assert count > 0, line
    assert all(math.isfinite(p) for p in (p50, p95, p99)), line
    assert 0 < p50 <= p95 <= p99, line
    return count, p50, p95, p99


def test_search_bench_on_a_fresh_database(bench_database):
    bench_database("bench_search")
    output = _run(
        [
            "bench/search.py",
            "--profiles", "50", "--queries", "20", "--suggestions", "10",
            "--compare", "5", "--http", "--http-queries", "10",
        ],
        _env(),
    )  # fmt: skip

    assert "generated 50 in" in output
    assert "50 profiles in the search index" in output
    assert re.search(r"load average [\d.]+, [\d.]+, [\d.]+", output)
    assert "load average at the end" in output
    for label in (
        "baseline: one index row by key",
        "all (search + facets)",
        "first seen (facets computed)",
        "search only",
        "suggestions",
        "text, search index",
        "text, Wagtail DB backend",
        "in-process /healthz (baseline)",
        "in-process /api/v1/search",
        "GET /healthz (baseline) (x1)",
        "GET /api/v1/search (x1)",
    ):
        _percentiles(output, label)
    assert re.search(r"Wagtail DB backend p50 / search index p50 = [\d.]+x", output)


def test_search_bench_clones_beyond_the_built_profiles(bench_database):
    """--built: the first profiles through the models, the rest cloned
    server-side (the 1M-profile scale run), rollups recounted after."""
    bench_database("bench_search")
    output = _run(
        [
            "bench/search.py",
            "--profiles", "30", "--built", "10", "--queries", "10",
            "--suggestions", "10", "--compare", "2",
        ],
        _env(),
    )  # fmt: skip
    assert "20 / 20 cloned" in output
    assert "30 profiles in the search index" in output
    assert "rollups recounted" in output
    _percentiles(output, "all (search + facets)")


def test_pages_bench(bench_database):
    # --reuse: the bench finds its database cloned from the migrated template
    # (by hand it drops and creates it), seeds a few demo profiles into it, and
    # drops it at the end (no --keep).
    bench_database("bench_pages")
    output = _run(
        [
            "bench/pages.py", "--reuse", "--profiles", "4", "--first", "2",
            "--requests", "5", "--warmup", "1", "--http", "--concurrency", "2",
            "--cached",
        ],
        _env(),
    )  # fmt: skip

    assert re.search(r"load average [\d.]+, [\d.]+, [\d.]+", output)
    assert "load average at the end" in output
    assert re.search(r"RSS of the uvicorn worker after the run: \d+ MB", output)
    labels = ("baseline /healthz", "home page", "city page", "profile page")
    for label in (*labels, "API /api/v1/escorts"):
        # First seen and repeat in-process, then over HTTP: three rows each.
        rows = [
            r for r in output.splitlines() if r.startswith(label) and "cached" not in r
        ]
        assert len(rows) == 3, output[-4000:]
        for row in rows:
            assert row.split()[len(label.split()) + 1] == "200", row
            _percentiles(row, label, skip=3)  # path, status, queries
    # The pages are measured, not the age gate's interstitial (no queries).
    home = next(r for r in output.splitlines() if r.startswith("home page"))
    assert int(home.split()[4]) > 3, home
    assert "dropped database bench_pages_" in output
    # --cached: the HTML pages again from the full-page cache, in-process (one
    # query on a hit) and over a second uvicorn, each with its share of /healthz.
    rows = [r for r in output.splitlines() if r.startswith("home page cached ")]
    assert len(rows) == 2, output[-4000:]
    in_process, over_http = rows
    # status, queries: a hit reads only the visitor's session (age confirmed)
    assert in_process.split()[4:6] == ["200", "1"], in_process
    _percentiles(over_http, "home page cached", skip=3)
    assert re.search(r"home page cached: \d+% of /healthz throughput", output)


def _redis(number: int) -> str:
    return f"{settings.REDIS_URL.rsplit('/', 1)[0]}/{number}"


def test_bookings_bench(bench_database):
    bench_database("bench_bookings")
    output = _run(
        [
            "bench/bookings.py",
            "--requests", "10", "--concurrency", "2", "--race", "4",
            "--profiles", "2", "--workers", "1",
        ],
        _env(),
    )  # fmt: skip

    assert "FAILED" not in output
    _percentiles(output, "GET /healthz (x2)")
    count, *_ = _percentiles(output, "POST /api/v1/bookings, distinct slots (x2)")
    assert count == 10
    for kind in ("request", "instant"):
        _percentiles(output, f"4 at once, one slot, {kind}")
        assert f"4 at once, one slot, {kind}: 1 x 201, 3 x 409" in output


def test_messaging_bench(bench_database):
    bench_database("bench_messaging")
    output = _run(
        ["bench/messaging.py", "--sockets", "4", "--messages", "2", "--workers", "1"],
        _env(),
    )

    _percentiles(output, "connect (handshake + session + group_add)")
    _percentiles(output, "echo round trip /ws/echo/ (4 sockets)")
    count, *_ = _percentiles(
        output, "message client -> provider /ws/messages/ (2 threads)"
    )
    assert count == 4  # 2 pairs x 2 messages, all delivered
    summary = re.search(
        r"SUMMARY: 4/4 messages delivered .* p50 ([\d.]+) ms, p95 ([\d.]+) ms, "
        r"p99 ([\d.]+) ms",
        output,
    )
    assert summary, output[-4000:]
    # The target is on p95: the summary gives that ratio too.
    assert re.search(r"delivery p95 / echo p95 = [\d.]+x", output), output[-2000:]


def test_servers_bench_runs_both_servers(bench_database):
    # --keep-data: the clone of the migrated template instead of a fresh
    # database, which would cost a migrate of its own.
    bench_database("bench_servers")
    output = _run(
        [
            "bench/servers.py", "--keep-data", "--workers", "1",
            "--requests", "4", "--warmup", "1", "--concurrency", "2",
            "--sockets", "4", "--messages", "2",
        ],
        _env(),
    )  # fmt: skip

    assert re.search(r"load average [\d.]+, [\d.]+, [\d.]+", output)
    assert "API /api/v1/escorts: 200, 2 items on page 1" in output
    runs = output.split("\n\nuvicorn, 1 worker(s)")[1].split("\n\ngranian, 1 worker(s)")
    assert len(runs) == 2, output[-4000:]
    for run in runs:
        assert re.search(r"RSS MB per worker \[[\d.]+\]", run), run
        for label in ("/healthz", "city page", "API escorts", "ws echo"):
            count, *_ = _percentiles(run, label)
            assert count == (4 if label != "ws echo" else 8)
        count, *_ = _percentiles(run, "ws delivery")
        assert count == 4  # 2 pairs x 2 messages, all delivered
    assert re.search(r"granian x1: delivery p95 / echo p95 = [\d.]+", output)


def test_payments_bench(bench_database):
    bench_database("bench_payments")
    output = _run(
        [
            "bench/payments.py",
            "--events", "8", "--duplicates", "4", "--concurrency", "2",
        ],
        _env(),
    )  # fmt: skip

    assert "FAILED" not in output
    assert re.search(r"load average [\d.]+, [\d.]+, [\d.]+", output)
    _percentiles(output, "GET /healthz (baseline) (x2)")
    count, *_ = _percentiles(output, "POST webhook, first seen (x2)")
    assert count == 8
    assert "8 x 200 new" in output
    count, *_ = _percentiles(output, "POST webhook, duplicate (x2)")
    assert count == 4
    assert "4 x 200 duplicate" in output
    assert re.search(r"server RSS: [\d.]+ MiB after warm-up, [\d.]+ MiB", output)
