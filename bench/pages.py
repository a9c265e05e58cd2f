"""Latency and throughput of the public pages and the API, on data the bench builds.

    .venv/bin/python bench/pages.py                      # fresh bench_pages, demo data
    .venv/bin/python bench/pages.py --requests 300 --warmup 30 --http --concurrency 4

It drops and creates its own database, ``bench_pages`` (never the dev one), migrates
it and fills it with ``seed_demo`` (``--profiles`` profiles), and drops it at the
end unless ``--keep``; ``--reuse`` measures a kept one again without rebuilding.
Its cache is Redis database 8 of the dev server. Two tables per run: *first seen*
(each request a URL not asked before, with the cache emptied first) and *repeat*
(one URL, warm). ``/healthz`` is the baseline: the request/response stack with no
database work. In-process runs use Django's test Client; ``--http`` also starts
uvicorn on 127.0.0.1 and measures over loopback. Bounded: the script always
stops by itself. See bench/README.md and docs/page-speed.md.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import platform
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
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

BENCH_DB = "bench_pages"
BENCH_REDIS_DB = 8  # tests use 9-11, the other benches 12-15


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed, per target")
    parser.add_argument("--warmup", type=int, default=20, help="untimed, per target")
    parser.add_argument("--first", type=int, default=20, help="first-seen URLs")
    parser.add_argument("--profiles", type=int, default=300, help="demo profiles")
    parser.add_argument("--http", action="store_true", help="also over uvicorn")
    parser.add_argument("--concurrency", type=int, default=1, help="HTTP clients")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure an existing bench_pages"
    )
    parser.add_argument(
        "--cached", action="store_true", help="also the pages from the page cache"
    )
    args = parser.parse_args()
    args.requests = max(1, min(args.requests, 5000))  # bounded whatever is asked
    args.warmup = max(0, min(args.warmup, 500))
    args.first = max(1, min(args.first, 200))
    args.profiles = max(1, min(args.profiles, 5000))
    args.concurrency = max(1, min(args.concurrency, 16))
    return args


ARGS = parse_args() if __name__ == "__main__" else None

from own_stores import (  # noqa: E402
    bench_database_name,
    bench_database_url,
    bench_redis_url,
    server_url,
)


def drop_database() -> None:
    import psycopg

    name = bench_database_name(BENCH_DB)
    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if ARGS is not None:
    if not ARGS.reuse:
        drop_database()
    os.environ["DATABASE_URL"] = bench_database_url(BENCH_DB)
    os.environ["REDIS_URL"] = bench_redis_url(BENCH_REDIS_DB)
    os.environ["DEMO_PROFILES"] = str(ARGS.profiles)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from directory.models import CityPage, EscortProfilePage  # noqa: E402

BASELINE = "baseline /healthz"
HOST = "localhost"


@dataclass
class Target:
    label: str
    path: str
    # Distinct URLs of the same kind, each asked once for the first-seen table.
    first_paths: list[str] = field(default_factory=list)


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


# --- data --------------------------------------------------------------------


def build_data(*, reuse: bool) -> None:
    """Migrate, then seed the demo data unless a reused database has it."""
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if reuse and EscortProfilePage.objects.live().exists():
        print("reusing the data of the kept database")
        return
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    live = EscortProfilePage.objects.live().count()
    print(f"seeded {live} live profiles in {time.perf_counter() - started:.0f} s")


def forget_cache() -> None:
    """Empty this run's cache keys only (the Redis database may be shared)."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def visitor_cookie() -> str:
    """A visitor who confirmed the age gate (cms_pages/age_gate.py): a session
    row with ``age_confirmed``, as ``/age-check/`` leaves it; every request of
    the bench carries it, so pages are measured, not the interstitial."""
    from django.contrib.sessions.backends.db import SessionStore

    from cms_pages.age_gate import SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = True
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def visitor_client() -> Client:
    return Client(
        HTTP_HOST=HOST, HTTP_COOKIE=VISITOR["cookie"], raise_request_exception=False
    )


VISITOR = {"cookie": ""}


def targets(first: int) -> list[Target]:
    found = [
        Target(BASELINE, "/healthz", ["/healthz"] * first),
        Target("home page", "/", ["/"] * first),
    ]
    cities = list(CityPage.objects.live().order_by("pk")[:first])
    city = next(
        (c for c in cities if c.slug == "london"), cities[0] if cities else None
    )
    if city is not None:
        found.append(Target("city page", city.url, [c.url for c in cities]))
    profiles = list(
        EscortProfilePage.objects.live().public().order_by("pk")[: first + 1]
    )
    own = EscortProfilePage.objects.live().filter(owner__email="escort@demo.test")
    profile = own.first() or (profiles[0] if profiles else None)
    if profile is not None:
        others = [p.url for p in profiles if p.pk != profile.pk][:first]
        found.append(Target("profile page", profile.url, others))
    api = "/api/v1/escorts"
    pages = [f"{api}?page={n}" for n in range(1, first + 1)]
    found.append(Target("API /api/v1/escorts", api, pages))
    if city is not None:
        in_city = [f"{api}?city={c.pk}" for c in cities]
        found.append(Target("API escorts in city", f"{api}?city={city.pk}", in_city))
    return found


# --- in-process --------------------------------------------------------------


def run_in_process(target: Target, *, warmup: int, requests: int) -> Result:
    client = visitor_client()
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


def run_first_seen(target: Target) -> Result:
    """Each URL once, after emptying the cache: what a visitor meets first.
    ``sql`` is the most queries any of them ran."""
    client = visitor_client()
    latencies, most, status = [], 0, 200
    started = time.perf_counter()
    for path in target.first_paths:
        forget_cache()
        t0 = time.perf_counter()
        answers: list[int] = []
        queries = count_queries(
            lambda p=path, out=answers: out.append(client.get(p).status_code)
        )
        latencies.append(time.perf_counter() - t0)
        most = max(most, queries)
        status = answers[0] if answers[0] != 200 else status
    wall = time.perf_counter() - started
    if status != 200:
        return Result(target, status, "-", [], 0.0, note=_skip_note(status))
    return Result(target, status, most, latencies, wall)


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
    headers = {"Host": HOST, "Cookie": VISITOR["cookie"]}
    conn.request("GET", path, headers=headers)
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


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of ``pid`` (VmRSS), or this process's peak."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(row for row in status.splitlines() if row.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def print_environment() -> None:
    live = EscortProfilePage.objects.live().count()
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"DEBUG={settings.DEBUG}, {os.cpu_count()} CPUs, load average "
        f"{load_average()}, {live} live profiles, "
        f"database {connection.settings_dict['NAME']}"
    )


def measure(
    runner: Callable[[Target], Result], all_targets: list[Target]
) -> list[Result]:
    return [runner(target) for target in all_targets]


def measure_http(args: argparse.Namespace, all_targets: list[Target]) -> None:
    port = free_port()
    server = start_uvicorn(port)
    try:
        results = measure(
            lambda t: run_http(
                t,
                port=port,
                warmup=args.warmup,
                requests=args.requests,
                concurrency=args.concurrency,
            ),
            all_targets,
        )
        worker_rss = rss_mb(server.pid)
    finally:
        stop(server)
    print_table(
        f"HTTP over loopback, repeat (uvicorn, 1 worker, {args.concurrency} client(s))",
        results,
    )
    print(f"RSS of the uvicorn worker after the run: {worker_rss:.0f} MB")


def main(args: argparse.Namespace) -> None:
    build_data(reuse=args.reuse)
    print_environment()
    VISITOR["cookie"] = visitor_cookie()
    all_targets = targets(args.first)
    print_table(
        "In-process, first seen (each URL once, cache emptied before each)",
        measure(run_first_seen, all_targets),
    )
    results = measure(
        lambda t: run_in_process(t, warmup=args.warmup, requests=args.requests),
        all_targets,
    )
    print_table("In-process, repeat (Django test Client, one thread, warm)", results)
    print(f"RSS of the in-process run (peak): {rss_mb():.0f} MB")
    if args.http:
        measure_http(args, all_targets)
    if args.cached:
        measure_cached(
            all_targets, args.http, args.warmup, args.requests, args.concurrency
        )
    print(f"load average at the end {load_average()}")


# --- the full-page cache (--cached) -------------------------------------------


def cached_targets(all_targets: list[Target]) -> list[Target]:
    """The baseline again and every HTML page, now answered by the cache."""
    pages = [t for t in all_targets if t.label != BASELINE and "API" not in t.label]
    baseline = Target(f"{BASELINE} cached run", all_targets[0].path)
    return [baseline, *(Target(f"{t.label} cached", t.path) for t in pages)]


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
    try:
        main(ARGS)
    finally:
        forget_cache()
        connections.close_all()
        if not ARGS.keep:
            drop_database()
            print(f"dropped database {bench_database_name(BENCH_DB)}")
