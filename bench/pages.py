"""Latency and throughput of the public pages and the API over the seeded demo data.

    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/pages.py
    ... bench/pages.py --requests 300 --warmup 30 --http --concurrency 4

Each target gets a warm-up, then a fixed number of timed requests (bounded: the
script always stops by itself). ``/healthz`` is the baseline: the cost of the
request/response stack with no database work. In-process runs use Django's test
Client; ``--http`` also starts uvicorn on 127.0.0.1 and measures over loopback.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# DEBUG keeps every SQL statement in memory: production runs without it.
os.environ.setdefault("DJANGO_DEBUG", "false")
# The anonymous API throttle (120/min) would answer 429 after two seconds, and
# DRF's per-user throttle (600/min) counts anonymous callers by address too; the
# throttles' cache lookups still run on every request.
os.environ.setdefault("THROTTLE_ANON", "1000000/min")
os.environ.setdefault("THROTTLE_USER", "1000000/min")
# As in production settings: a connection per request would be measured otherwise.
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
# The page targets measure a render; ``--cached`` measures the full-page cache
# (cms_pages/page_cache.py) on its own server, in the same run.
os.environ.setdefault("PAGE_CACHE_ENABLED", "false")
# The age gate would answer every page to the bench's cookie-less client (two
# queries, not the page); crawlers pass it, and the pages are what is measured.
os.environ.setdefault("AGE_GATE_ENABLED", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from directory.models import CityPage, EscortProfilePage  # noqa: E402

BASELINE = "baseline /healthz"
HOST = "localhost"


@dataclass
class Target:
    label: str
    path: str


@dataclass
class Result:
    target: Target
    status: int
    queries: int | str
    latencies: list[float]  # seconds
    wall: float  # seconds for all timed requests
    note: str = ""

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


def targets() -> list[Target]:
    found = [Target(BASELINE, "/healthz"), Target("home page", "/")]
    city = CityPage.objects.live().filter(slug="london").first()
    if city is not None:
        found.append(Target("city page (London)", city.url))
    profile = (
        EscortProfilePage.objects.live().filter(owner__email="escort@demo.test").first()
    )
    if profile is not None:
        found.append(Target("profile page", profile.url))
    found.append(Target("API /api/v1/escorts", "/api/v1/escorts"))
    if city is not None:
        found.append(Target("API escorts in city", f"/api/v1/escorts?city={city.pk}"))
    return found


# --- in-process --------------------------------------------------------------


def run_in_process(target: Target, *, warmup: int, requests: int) -> Result:
    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    status = client.get(target.path).status_code
    if status != 200:
        return Result(target, status, "-", [], 0.0, note=_skip_note(status))
    for _ in range(warmup):
        client.get(target.path)
    queries = count_queries(lambda: client.get(target.path))
    latencies = []
    started = time.perf_counter()
    for _ in range(requests):
        t0 = time.perf_counter()
        client.get(target.path)
        latencies.append(time.perf_counter() - t0)
    return Result(target, status, queries, latencies, time.perf_counter() - started)


def count_queries(action: Callable[[], object]) -> int:
    count = 0

    def counter(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        action()
    return count


def _skip_note(status: int) -> str:
    if status == 404:
        return "404: not built yet, skipped"
    return f"answered {status}, skipped"


# --- over loopback HTTP ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_uvicorn(port: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            if http_get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError("uvicorn did not answer /healthz within 60 s")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def http_get(
    port: int, path: str, conn: http.client.HTTPConnection | None = None
) -> tuple[int, http.client.HTTPConnection]:
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": HOST})
    response = conn.getresponse()
    response.read()
    return response.status, conn


def run_http(
    target: Target, *, port: int, warmup: int, requests: int, concurrency: int
) -> Result:
    status, conn = http_get(port, target.path)
    if status != 200:
        return Result(target, status, "-", [], 0.0, note=_skip_note(status))
    for _ in range(warmup):
        http_get(port, target.path, conn)
    conn.close()
    share = [
        requests // concurrency + (i < requests % concurrency)
        for i in range(concurrency)
    ]

    def worker(count: int) -> list[float]:
        own, latencies = None, []
        for _ in range(count):
            t0 = time.perf_counter()
            _, own = http_get(port, target.path, own)
            latencies.append(time.perf_counter() - t0)
        if own is not None:
            own.close()
        return latencies

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = [lat for part in pool.map(worker, share) for lat in part]
    return Result(target, status, "-", latencies, time.perf_counter() - started)


# --- report ------------------------------------------------------------------


def print_table(title: str, results: list[Result]) -> None:
    base = next(
        (r for r in results if r.target.label == BASELINE and r.latencies), None
    )
    header = (
        f"{'target':<22} {'path':<30} {'st':>3} {'sql':>4} {'n':>5} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'x base':>7}"
    )
    print(f"\n{title}\n{header}\n{'-' * len(header)}")
    for result in results:
        path = result.target.path[:30]
        if not result.latencies:
            label, status = result.target.label, result.status
            print(f"{label:<22} {path:<30} {status:>3}  {result.note}")
            continue
        p50 = result.percentile(50)
        ratio = f"{p50 / base.percentile(50):.1f}" if base else "-"
        print(
            f"{result.target.label:<22} {path:<30} {result.status:>3} "
            f"{result.queries!s:>4} {len(result.latencies):>5} "
            f"{p50 * 1000:>8.2f} {result.percentile(95) * 1000:>8.2f} "
            f"{result.percentile(99) * 1000:>8.2f} {result.rps:>8.1f} {ratio:>7}"
        )


def print_environment() -> None:
    live = EscortProfilePage.objects.live().count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"DEBUG={settings.DEBUG}, {os.cpu_count()} CPUs, load average {load}, "
        f"{live} live profiles"
    )
    if live == 0:
        print("No live profiles: run `manage.py seed_demo` first.")


def measure(
    runner: Callable[[Target], Result], all_targets: list[Target]
) -> list[Result]:
    return [runner(target) for target in all_targets]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed, per target")
    parser.add_argument("--warmup", type=int, default=20, help="untimed, per target")
    parser.add_argument("--http", action="store_true", help="also over uvicorn")
    parser.add_argument("--concurrency", type=int, default=1, help="HTTP clients")
    parser.add_argument(
        "--cached", action="store_true", help="also the pages from the page cache"
    )
    args = parser.parse_args()
    requests = max(1, min(args.requests, 5000))  # bounded whatever is asked
    warmup = max(0, min(args.warmup, 500))
    concurrency = max(1, min(args.concurrency, 16))

    print_environment()
    all_targets = targets()
    results = measure(
        lambda t: run_in_process(t, warmup=warmup, requests=requests), all_targets
    )
    print_table("In-process (Django test Client, one thread)", results)
    if args.http:
        port = free_port()
        server = start_uvicorn(port)
        try:
            results = measure(
                lambda t: run_http(
                    t,
                    port=port,
                    warmup=warmup,
                    requests=requests,
                    concurrency=concurrency,
                ),
                all_targets,
            )
        finally:
            stop(server)
        print_table(
            f"HTTP over loopback (uvicorn, 1 worker, {concurrency} client(s))", results
        )
    if args.cached:
        measure_cached(all_targets, args.http, warmup, requests, concurrency)


# --- the full-page cache (--cached) -------------------------------------------


def cached_targets(all_targets: list[Target]) -> list[Target]:
    """The baseline again and every HTML page, now answered by the cache."""
    pages = [t for t in all_targets if t.label != BASELINE and "API" not in t.label]
    return [all_targets[0], *(Target(f"{t.label} cached", t.path) for t in pages)]


def measure_cached(
    all_targets: list[Target], http: bool, warmup: int, requests: int, conc: int
) -> None:
    """In-process with the cache switched on; over HTTP a second uvicorn with
    PAGE_CACHE_ENABLED=true (the first one rendered every page), its own
    /healthz measured next to the cached pages."""
    targets_on = cached_targets(all_targets)
    with override_settings(PAGE_CACHE_ENABLED=True):
        results = measure(
            lambda t: run_in_process(t, warmup=warmup, requests=requests), targets_on
        )
    print_table("In-process, page cache on", results)
    if not http:
        return
    os.environ["PAGE_CACHE_ENABLED"] = "true"
    port = free_port()
    server = start_uvicorn(port)
    try:
        results = measure(
            lambda t: run_http(
                t, port=port, warmup=warmup, requests=requests, concurrency=conc
            ),
            targets_on,
        )
    finally:
        stop(server)
        os.environ["PAGE_CACHE_ENABLED"] = "false"
    print_table(f"HTTP over loopback, page cache on ({conc} client(s))", results)
    for result in results[1:]:
        if results[0].rps and result.latencies:
            share = result.rps / results[0].rps
            print(f"{result.target.label}: {share:.0%} of /healthz throughput")


if __name__ == "__main__":
    main()
