"""Booking requests over HTTP: throughput on distinct slots, and a crowd on one slot.

    .venv/bin/python bench/bookings.py
    .venv/bin/python bench/bookings.py --requests 600 --concurrency 8 --race 300

Runs against its own database, ``bench_bookings``, on the same PostgreSQL server as
dev (created on first run, migrated, then reused), and its own Redis database
(number 14) for throttles and the notification queue; dev data is never touched.
Each run deletes the bookings of the previous one, so every slot is free again.
Starts uvicorn on 127.0.0.1 with the ASGI application; each process draws its
database connections from its psycopg pool (DB_POOL_MAX_SIZE), so 200 racers
wait for a connection instead of exhausting the server's max_connections. It
measures, and stops the server at the end, also on error. Bounded: fixed request
counts, capped whatever is asked. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import subprocess
import sys
import threading
import time
import zoneinfo
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# This file shares its name with the bookings app: bench/ (Python puts the script's
# folder first) goes after the project root, where only pages.py is looked up.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path[:0] = [str(ROOT)]
sys.path.append(str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
# The per-user limits (30 booking moves a minute) would answer 429 at once; their
# cache lookups still run on every request.
os.environ.setdefault("THROTTLE_BOOKINGS", "1000000/min")
os.environ.setdefault("THROTTLE_USER", "1000000/min")
os.environ.setdefault("THROTTLE_ANON", "1000000/min")

BENCH_DB = "bench_bookings"
BENCH_REDIS_DB = 14
DOMAIN = "@bench-bookings.test"
HOST = "localhost"


from own_stores import (  # noqa: E402
    bench_database_name,
    bench_database_url,
    bench_redis_url,
    drop_celery_queue,
)

os.environ["DATABASE_URL"] = bench_database_url(BENCH_DB)
os.environ["REDIS_URL"] = bench_redis_url(BENCH_REDIS_DB)

import django  # noqa: E402

django.setup()

import pages as page_bench  # noqa: E402 - bench/pages.py: free_port, stop
from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from bookings.models import AvailabilityRule, Booking, BookingPolicy  # noqa: E402
from directory.models import (  # noqa: E402
    CityIndexPage,
    CityPage,
    EscortProfilePage,
    ProfileIndexPage,
    ProfileRate,
)

OPEN, CLOSE = 6, 23  # local hours every day: 17 one-hour slots
RACE_TIMEOUT = 60  # seconds a racer waits for its answer


@dataclass
class Timings:
    label: str
    seconds: list[float] = field(default_factory=list)
    wall: float = 0.0
    answers: Counter = field(default_factory=Counter)
    slug: str = ""  # the raced profile, for races

    def percentile(self, p: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def rps(self) -> float:
        return len(self.seconds) / self.wall if self.wall else 0.0


# --- data ----------------------------------------------------------------------


def bench_city() -> CityPage:
    city = CityPage.objects.filter(slug="bench-bookings-city").first()
    if city is None:
        city = CityPage(
            title="Bench City",
            slug="bench-bookings-city",
            country="Germany",
            country_code="DE",
            time_zone="Europe/Berlin",
            latitude=Decimal("52.52000"),
            longitude=Decimal("13.40500"),
            live=True,
            first_published_at=timezone.now(),
        )
        CityIndexPage.objects.get().add_child(instance=city)
    return city


def bench_profile(name: str, *, city: CityPage, instant: bool) -> EscortProfilePage:
    slug = f"bench-booking-{name}"
    profile = EscortProfilePage.objects.filter(slug=slug).first()
    if profile is not None:
        return profile
    owner = _user(f"escort-{name}", role=Role.ESCORT)
    profile = EscortProfilePage(
        title=f"Bench {name}",
        slug=slug,
        age=30,
        home_city=city,
        tagline="Benchmark profile",
        owner=owner,
        live=True,
        first_published_at=timezone.now(),
    )
    ProfileIndexPage.objects.get().add_child(instance=profile)
    ProfileRate.objects.create(
        page=profile,
        duration_minutes=60,
        kind=ProfileRate.Kind.INCALL,
        amount_minor=30000,
        currency="EUR",
    )
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(
            profile=profile,
            weekday=day,
            start_time=dt.time(OPEN),
            end_time=dt.time(CLOSE),
        )
        for day in range(7)
    )
    BookingPolicy.objects.create(
        profile=profile,
        requires_acceptance=not instant,
        min_notice_minutes=0,
        max_days_ahead=365,
        buffer_after_minutes=0,
        request_expiry_hours=168,
    )
    return profile


def _user(name: str, *, role: str) -> User:
    user, _ = User.objects.get_or_create(
        email=f"{name}{DOMAIN}",
        defaults={"role": role, "is_age_verified": role == Role.ESCORT},
    )
    return user


def session_tokens(count: int) -> list[str]:
    """One client account each, signed in the way allauth's app clients are: a
    session whose key is the X-Session-Token. No password hashing, no login flow."""
    tokens = []
    for number in range(count):
        user = _user(f"client-{number:03d}", role=Role.CLIENT)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        tokens.append(session.session_key)
    return tokens


def slot_starts(city: CityPage, count: int, *, first_day: int = 2) -> list[dt.datetime]:
    """``count`` distinct one-hour starts inside the opening hours, day by day."""
    zone = zoneinfo.ZoneInfo(city.time_zone)
    today = timezone.now().astimezone(zone).date()
    per_day = CLOSE - OPEN
    return [
        dt.datetime.combine(
            today + dt.timedelta(days=first_day + n // per_day),
            dt.time(OPEN + n % per_day),
            tzinfo=zone,
        )
        for n in range(count)
    ]


# --- HTTP ----------------------------------------------------------------------


def start_uvicorn(port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    # The server's tracebacks go to a file: a failing race would print thousands
    # of lines. The summary counts them.
    with log.open("w") as sink:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and args
            command, cwd=ROOT, env=os.environ.copy(), stderr=sink
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    page_bench.stop(server)
    raise RuntimeError("uvicorn did not answer /healthz within 60 s")


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: dict | None = None,
    token: str | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, str | None, http.client.HTTPConnection]:
    """(status, error code or None, the connection to reuse)."""
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": HOST}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    if token:
        headers["X-Session-Token"] = token
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    code = None
    if response.status >= 400:
        try:
            code = json.loads(raw)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = "not-json"
    return response.status, code, conn


def booking_body(profile: EscortProfilePage, start: dt.datetime) -> dict:
    rate = ProfileRate.objects.filter(page=profile).values_list("pk", flat=True)[0]
    return {"profile": profile.pk, "rate": rate, "start": start.isoformat()}


def run_sequence(
    label: str, port: int, jobs: list[tuple[str, str, dict | None, str | None]],
    concurrency: int,
) -> Timings:  # fmt: skip
    """Each client thread works through its share of the jobs on one keep-alive
    connection; ``jobs`` are (method, path, body, token)."""
    chunks = [jobs[i::concurrency] for i in range(concurrency)]

    def worker(chunk: list) -> list[tuple[float, int, str | None]]:
        conn, out = None, []
        for method, path, body, token in chunk:
            t0 = time.perf_counter()
            status, code, conn = request(
                port, method, path, body=body, token=token, conn=conn
            )
            out.append((time.perf_counter() - t0, status, code))
        if conn is not None:
            conn.close()
        return out

    timings = Timings(label)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for part in pool.map(worker, chunks):
            for seconds, status, code in part:
                timings.seconds.append(seconds)
                timings.answers[(status, code)] += 1
    timings.wall = time.perf_counter() - started
    return timings


def run_race(
    label: str,
    port: int,
    *,
    profile: EscortProfilePage,
    start: dt.datetime,
    tokens: list[str],
) -> Timings:
    """Every client at once (a barrier), each on its own connection."""
    body = booking_body(profile, start)
    barrier = threading.Barrier(len(tokens))
    results: list[tuple[float, int, str | None]] = []
    lock = threading.Lock()

    def one(token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=RACE_TIMEOUT)
        conn.connect()
        barrier.wait(timeout=60)
        t0 = time.perf_counter()
        try:
            status, code, _ = request(
                port, "POST", "/api/v1/bookings", body=body, token=token, conn=conn
            )
        except OSError as error:
            status, code = 0, type(error).__name__
        finally:
            conn.close()
        with lock:
            results.append((time.perf_counter() - t0, status, code))

    threads = [threading.Thread(target=one, args=(t,)) for t in tokens]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_TIMEOUT + 30)
    timings = Timings(label, wall=time.perf_counter() - started, slug=profile.slug)
    for seconds, status, code in results:
        timings.seconds.append(seconds)
        timings.answers[(status, code)] += 1
    return timings


def in_process_healthz(count: int) -> Timings:
    client = Client(HTTP_HOST=HOST)
    timings = Timings("GET /healthz in-process (test Client)")
    started = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        timings.answers[(client.get("/healthz").status_code, None)] += 1
        timings.seconds.append(time.perf_counter() - t0)
    timings.wall = time.perf_counter() - started
    return timings


# --- report ----------------------------------------------------------------------


def print_table(title: str, rows: list[Timings], base: Timings) -> None:
    header = (
        f"{'target':<44} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'req/s':>8} {'x base':>7}  answers"
    )
    print(f"\n{title}\n{header}\n{'-' * (len(header) + 20)}")
    for row in rows:
        answers = ", ".join(
            f"{n} x {status}{f' {code}' if code else ''}"
            for (status, code), n in sorted(row.answers.items(), key=str)
        )
        ratio = row.percentile(50) / base.percentile(50)
        print(
            f"{row.label:<44} {len(row.seconds):>5} "
            f"{row.percentile(50) * 1000:>8.2f} {row.percentile(95) * 1000:>8.2f} "
            f"{row.percentile(99) * 1000:>8.2f} {row.rps:>8.1f} {ratio:>7.1f}"
            f"  {answers}"
        )


def winners(row: Timings) -> int:
    return row.answers[(201, None)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="distinct slots")
    parser.add_argument("--concurrency", type=int, default=4, help="HTTP clients")
    parser.add_argument("--race", type=int, default=200, help="clients on one slot")
    parser.add_argument("--profiles", type=int, default=10, help="spread slots over")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes")
    args = parser.parse_args()
    count = max(10, min(args.requests, 5000))  # bounded whatever is asked
    concurrency = max(1, min(args.concurrency, 16))
    racers = max(2, min(args.race, 500))
    workers = max(1, min(args.workers, 4))  # 10 connections each
    spread = max(1, min(args.profiles, 50))

    call_command("migrate", verbosity=0)
    city = bench_city()
    profiles = [
        bench_profile(f"{n:02d}", city=city, instant=False) for n in range(spread)
    ]
    race_request = bench_profile("race-request", city=city, instant=False)
    race_instant = bench_profile("race-instant", city=city, instant=True)
    deleted, _ = Booking.objects.filter(
        profile__slug__startswith="bench-booking-"
    ).delete()
    tokens = session_tokens(max(racers, concurrency))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"database {bench_database_name(BENCH_DB)}; {deleted} rows of the last run "
        f"deleted; "
        f"{os.cpu_count()} CPUs, load average {load}; Django {django.get_version()}; "
        f"uvicorn {workers} worker(s)"
    )

    starts = slot_starts(city, math.ceil(count / spread))
    jobs = [
        ("POST", "/api/v1/bookings",
         booking_body(profiles[n % spread], starts[n // spread]),
         tokens[n % concurrency])
        for n in range(count)
    ]  # fmt: skip
    race_start = slot_starts(city, 1, first_day=1)[0] + dt.timedelta(hours=3)
    baseline_in_process = in_process_healthz(min(count, 300))

    port = page_bench.free_port()
    # Suffixed like the database: parallel runs write logs of their own.
    log = ROOT / "var" / f"{bench_database_name(BENCH_DB)}_server.log"
    log.parent.mkdir(exist_ok=True)
    server = start_uvicorn(port, workers, log)
    try:
        warm = [("GET", "/healthz", None, None)] * 20
        run_sequence("warm-up", port, warm, concurrency)
        healthz = run_sequence(
            f"GET /healthz (x{concurrency})",
            port,
            [("GET", "/healthz", None, None)] * count,
            concurrency,
        )
        create = run_sequence(
            f"POST /api/v1/bookings, distinct slots (x{concurrency})",
            port,
            jobs,
            concurrency,
        )
        races = [
            run_race(
                f"{racers} at once, one slot, {label}",
                port,
                profile=profile,
                start=race_start,
                tokens=tokens[:racers],
            )
            for label, profile in (
                ("request", race_request),
                ("instant", race_instant),
            )
        ]
    finally:
        page_bench.stop(server)
        drop_celery_queue()

    print_table("HTTP over loopback (uvicorn)", [healthz, create, *races], healthz)
    print(
        f"\nin-process baseline GET /healthz: p50 "
        f"{baseline_in_process.percentile(50) * 1000:.2f} ms; "
        f"booking p50 / HTTP healthz p50 = "
        f"{create.percentile(50) / healthz.percentile(50):.1f}x"
    )
    for race in races:
        conflicts = race.answers[(409, "slot_unavailable")]
        others = len(race.seconds) - winners(race) - conflicts
        print(
            f"{race.label}: {winners(race)} x 201, {conflicts} x 409, "
            f"{others} other, settled in {race.wall:.2f} s"
        )
    errors = Counter(
        line.split(":", 2)[-1].strip()
        for line in log.read_text().splitlines()
        if line.startswith("django.db.utils.")
    )
    print(f"server log {log}: {dict(errors) or 'no database errors'}")
    # The benchmark's one assertion: whatever the load, one winner per slot.
    failures = [
        f"{race.label}: {winners(race)} winners" for race in races if winners(race) != 1
    ]
    if create.answers[(201, None)] != count:
        failures.append(f"distinct slots: {create.answers}")
    for race in races:
        active = Booking.objects.active().filter(profile__slug=race.slug).count()
        if active != 1:
            failures.append(f"{race.label}: {active} active bookings on the slot")
    if failures:
        raise SystemExit("FAILED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
