"""Messages over WebSockets: delivery latency from a client's socket to its
provider's, against an echo round trip through the channel layer.

    .venv/bin/python bench/messaging.py                      # 200 sockets, 5 each
    .venv/bin/python bench/messaging.py --sockets 500 --messages 10 --workers 1

Runs against its own database, ``bench_messaging``, on the same PostgreSQL server
as dev (created on first run, migrated, then reused), and its own Redis database
(number 13) for the channel layer, the cache and the notification queue; dev data
is never touched. Each run deletes the messages of the previous one. Starts
uvicorn on 127.0.0.1 with the ASGI application (``config.asgi``: WebSockets),
opens the sockets, measures, and stops it at the end, also on error. Bounded: at
most 1,000 sockets and 50 messages each, a timeout on every wait. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# This file shares its name with the messaging app: bench/ (Python puts the
# script's folder first) goes after the project root, where only pages.py is
# looked up.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path[:0] = [str(ROOT)]
sys.path.append(str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
# The per-user message limit (20 a minute) would refuse most of a run.
os.environ.setdefault("THROTTLE_MESSAGES", "1000000/min")
os.environ.setdefault("THROTTLE_USER", "1000000/min")
os.environ.setdefault("THROTTLE_ANON", "1000000/min")

# bench/servers.py loads this file for its socket phases on stores of its own.
BENCH_DB = os.environ.get("BENCH_MESSAGING_DB", "bench_messaging")
BENCH_REDIS_DB = int(os.environ.get("BENCH_MESSAGING_REDIS_DB", "13"))
DOMAIN = "@bench-messaging.test"
MAX_SOCKETS = 1000
MAX_MESSAGES = 50
CONNECTING_AT_ONCE = 50  # handshakes in flight at a time
TIMEOUT = 30.0  # seconds, every await on the network


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
# Each generated page would log a line.
logging.getLogger("wagtail").setLevel(logging.WARNING)

import pages as page_bench  # noqa: E402 - bench/pages.py: free_port, stop
import websockets  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from directory.models import (  # noqa: E402
    CityIndexPage,
    CityPage,
    EscortProfilePage,
    ProfileIndexPage,
)
from messaging.fanout import participant_ids  # noqa: E402
from messaging.models import Message, Thread  # noqa: E402


@dataclass
class Timings:
    label: str
    seconds: list[float] = field(default_factory=list)
    wall: float = 0.0
    expected: int = 0
    errors: Counter = field(default_factory=Counter)

    def percentile(self, p: float) -> float:
        if not self.seconds:
            return math.nan
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def rate(self) -> float:
        return len(self.seconds) / self.wall if self.wall else 0.0


# --- data ----------------------------------------------------------------------


def bench_city() -> CityPage:
    city = CityPage.objects.filter(slug="bench-messaging-city").first()
    if city is None:
        city = CityPage(
            title="Bench Messaging City",
            slug="bench-messaging-city",
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


def _user(name: str, *, role: str) -> User:
    user, _ = User.objects.get_or_create(
        email=f"{name}{DOMAIN}",
        defaults={"role": role, "is_age_verified": role == Role.ESCORT},
    )
    return user


def bench_pairs(count: int) -> list[tuple[User, User, Thread]]:
    """(client, provider, thread) per pair: a live profile owned by an
    age-verified provider, and the client's thread with it (made directly)."""
    city = bench_city()
    index = ProfileIndexPage.objects.get()
    pairs = []
    for number in range(count):
        slug = f"bench-messaging-{number:04d}"
        profile = EscortProfilePage.objects.filter(slug=slug).first()
        if profile is None:
            profile = EscortProfilePage(
                title=f"Bench messaging {number:04d}",
                slug=slug,
                age=30,
                home_city=city,
                tagline="Benchmark profile",
                owner=_user(f"escort-{number:04d}", role=Role.ESCORT),
                live=True,
                first_published_at=timezone.now(),
            )
            index.add_child(instance=profile)
        client = _user(f"client-{number:04d}", role=Role.CLIENT)
        thread, _ = Thread.objects.get_or_create(client=client, profile=profile)
        pairs.append((client, profile.owner, thread))
    return pairs


def session_cookie(user: User) -> str:
    """A signed-in session made directly: no password hashing, no login flow."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# --- server --------------------------------------------------------------------


def start_uvicorn(port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    with log.open("w") as sink:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and args
            command, cwd=ROOT, env=os.environ.copy(), stderr=sink
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}, see {log}")
        try:
            status, conn = page_bench.http_get(port, "/healthz")
            conn.close()
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    page_bench.stop(server)
    raise RuntimeError("uvicorn did not answer /healthz within 60 s")


# --- sockets -------------------------------------------------------------------


class Socket:
    """One connection and its reader: frames carrying a known token resolve the
    waiting future with the time they arrived."""

    def __init__(self, ws: ClientConnection, label: str) -> None:
        self.ws = ws
        self.label = label
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.errors: Counter = Counter()
        self.reader = asyncio.create_task(self._read())

    def expect(self, token: str) -> asyncio.Future[float]:
        future = asyncio.get_running_loop().create_future()
        self.waiting[token] = future
        return future

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                arrived = time.perf_counter()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "error":
                    self.errors[f"error {frame.get('code')}"] += 1
                    continue
                if kind == "message":
                    if frame.get("mine"):
                        continue  # the sender's own copy
                    token = frame.get("body", "")
                elif kind == "echo":
                    token = frame.get("payload", {}).get("token", "")
                else:
                    continue
                future = self.waiting.pop(token, None)
                if future is not None and not future.done():
                    future.set_result(arrived)
        except websockets.ConnectionClosed as closed:
            if closed.rcvd is None or closed.rcvd.code != 1000:
                self.errors[f"closed {closed.rcvd.code if closed.rcvd else '?'}"] += 1

    async def close(self) -> None:
        with contextlib.suppress(TimeoutError, OSError):
            await asyncio.wait_for(self.ws.close(), TIMEOUT)
        self.reader.cancel()


async def open_sockets(
    port: int, path: str, cookies: list[str], connect_times: Timings
) -> list[Socket | None]:
    """One socket per cookie, at most CONNECTING_AT_ONCE handshakes at a time;
    None where the handshake failed."""
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    origin = f"http://127.0.0.1:{port}"

    async def one(cookie: str) -> Socket | None:
        async with gate:
            t0 = time.perf_counter()
            try:
                ws = await connect(
                    f"ws://127.0.0.1:{port}{path}",
                    origin=origin,
                    additional_headers={"Cookie": cookie},
                    open_timeout=TIMEOUT,
                    close_timeout=5,
                    ping_interval=None,
                    max_queue=None,
                )
            except (OSError, TimeoutError, websockets.InvalidHandshake) as error:
                connect_times.errors[type(error).__name__] += 1
                return None
            connect_times.seconds.append(time.perf_counter() - t0)
            return Socket(ws, path)

    started = time.perf_counter()
    sockets = await asyncio.gather(*(one(c) for c in cookies))
    connect_times.wall += time.perf_counter() - started
    connect_times.expected += len(cookies)
    return sockets


async def close_all(sockets: list[Socket | None]) -> None:
    await asyncio.gather(*(s.close() for s in sockets if s is not None))


async def one_exchange(
    sender: Socket, receiver: Socket, frame: dict, token: str, timings: Timings
) -> None:
    """Send a frame, wait (bounded) for the receiver to get its token."""
    arrival = receiver.expect(token)
    t0 = time.perf_counter()
    try:
        await asyncio.wait_for(sender.ws.send(json.dumps(frame)), TIMEOUT)
        arrived = await asyncio.wait_for(arrival, TIMEOUT)
    except TimeoutError:
        receiver.waiting.pop(token, None)
        timings.errors["timeout"] += 1
    except websockets.ConnectionClosed:
        receiver.waiting.pop(token, None)
        timings.errors["closed"] += 1
    else:
        timings.seconds.append(arrived - t0)


async def run_exchanges(
    label: str,
    routes: list[tuple[Socket, Socket, int | None]],
    count: int,
    *,
    record: bool = True,
) -> Timings:
    """Every route at once; each sends ``count`` frames one after another, the
    next when the previous one arrived (or timed out). ``routes`` are (sender,
    receiver, thread id); thread None means an echo frame."""
    timings = Timings(label, expected=len(routes) * count)

    async def route(sender: Socket, receiver: Socket, thread: int | None) -> None:
        for _ in range(count):
            token = uuid.uuid4().hex
            if thread is None:
                frame = {"token": token}
            else:
                frame = {"type": "send", "thread": thread, "body": token}
            await one_exchange(sender, receiver, frame, token, timings)

    started = time.perf_counter()
    await asyncio.gather(*(route(*r) for r in routes))
    timings.wall = time.perf_counter() - started
    if not record:
        timings.seconds.clear()
    return timings


async def measure(
    port: int,
    pairs: list[tuple[User, User, Thread]],
    cookies: dict[int, str],
    messages: int,
) -> tuple[Timings, Timings, Timings, Counter]:
    users = [user for client, provider, _ in pairs for user in (client, provider)]
    connects = Timings("connect (handshake + session + group_add)")
    socket_errors: Counter = Counter()

    # Baseline: every socket echoes through the channel layer to itself.
    echo_sockets = await open_sockets(
        port, "/ws/echo/", [cookies[u.pk] for u in users], connects
    )
    try:
        live = [s for s in echo_sockets if s is not None]
        routes = [(s, s, None) for s in live]
        await run_exchanges("warm-up", routes, 1, record=False)
        echo = await run_exchanges(
            f"echo round trip /ws/echo/ ({len(live)} sockets)", routes, messages
        )
        echo.expected = len(users) * messages
    finally:
        for s in echo_sockets:
            if s is not None:
                socket_errors.update(s.errors)
        await close_all(echo_sockets)

    # Messages: each client sends to its provider, the provider's socket times it.
    msg_sockets = await open_sockets(
        port, "/ws/messages/", [cookies[u.pk] for u in users], connects
    )
    try:
        routes = [
            (msg_sockets[2 * n], msg_sockets[2 * n + 1], thread.pk)
            for n, (_, _, thread) in enumerate(pairs)
            if msg_sockets[2 * n] is not None and msg_sockets[2 * n + 1] is not None
        ]
        await run_exchanges("warm-up", routes, 1, record=False)
        delivery = await run_exchanges(
            f"message client -> provider /ws/messages/ ({len(routes)} threads)",
            routes,
            messages,
        )
        delivery.expected = len(pairs) * messages
    finally:
        for s in msg_sockets:
            if s is not None:
                socket_errors.update(s.errors)
        await close_all(msg_sockets)
    return connects, echo, delivery, socket_errors


# --- report --------------------------------------------------------------------


def print_table(rows: list[Timings], base: Timings) -> None:
    header = (
        f"{'target':<52} {'done':>11} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'per s':>8} {'x base':>7}  errors"
    )
    print(f"\n{header}\n{'-' * (len(header) + 10)}")
    for row in rows:
        ratio = row.percentile(50) / base.percentile(50)
        done = f"{len(row.seconds)}/{row.expected}"
        print(
            f"{row.label:<52} {done:>11} "
            f"{row.percentile(50) * 1000:>8.2f} {row.percentile(95) * 1000:>8.2f} "
            f"{row.percentile(99) * 1000:>8.2f} {row.rate:>8.1f} {ratio:>7.1f}"
            f"  {dict(row.errors) or '-'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=200, help="half clients")
    parser.add_argument("--messages", type=int, default=5, help="per client")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes")
    args = parser.parse_args()
    sockets = max(2, min(args.sockets, MAX_SOCKETS)) // 2 * 2  # bounded, even
    messages = max(1, min(args.messages, MAX_MESSAGES))
    workers = max(1, min(args.workers, 2))

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    pairs = bench_pairs(sockets // 2)
    deleted, _ = Message.objects.filter(thread__in=[t for _, _, t in pairs]).delete()
    cookies = {
        user.pk: session_cookie(user)
        for client, provider, _ in pairs
        for user in (client, provider)
    }
    # Who a message is fanned out to: the client and the provider side (2 here,
    # no agencies). More means every message costs that many group sends.
    reach = Counter(len(participant_ids(t)) for _, _, t in pairs)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"database {bench_database_name(BENCH_DB)}, Redis db {BENCH_REDIS_DB}; "
        f"{len(pairs)} threads ready "
        f"in {time.perf_counter() - t0:.1f} s; {deleted} rows of the last run "
        f"deleted; {os.cpu_count()} CPUs, load average {load}; Django "
        f"{django.get_version()}; uvicorn {workers} worker(s); {sockets} sockets, "
        f"{messages} messages per client"
    )
    print(
        f"participants per thread (messaging.fanout.participant_ids, expected 2): "
        f"{dict(reach)}"
    )

    port = page_bench.free_port()
    # Suffixed like the database: parallel runs write logs of their own.
    log = ROOT / "var" / f"{bench_database_name(BENCH_DB)}_server.log"
    log.parent.mkdir(exist_ok=True)
    server = start_uvicorn(port, workers, log)
    try:
        connects, echo, delivery, socket_errors = asyncio.run(
            measure(port, pairs, cookies, messages)
        )
    finally:
        page_bench.stop(server)
        drop_celery_queue()

    print_table([connects, echo, delivery], echo)
    stored = Message.objects.filter(thread__in=[t for _, _, t in pairs]).count()
    tracebacks = sum(
        line.startswith("Traceback") for line in log.read_text().splitlines()
    )
    print(
        f"\nsockets: {len(connects.seconds)}/{connects.expected} opened "
        f"({dict(connects.errors) or 'no failures'}); frames seen: "
        f"{dict(socket_errors) or 'no errors or abnormal closes'}; server log {log}: "
        f"{tracebacks} traceback(s)"
    )
    print(
        f"SUMMARY: {len(delivery.seconds)}/{delivery.expected} messages delivered "
        f"({stored} stored, warm-up included), p50 "
        f"{delivery.percentile(50) * 1000:.1f} ms, p95 "
        f"{delivery.percentile(95) * 1000:.1f} ms, p99 "
        f"{delivery.percentile(99) * 1000:.1f} ms, {delivery.rate:.1f} msg/s; "
        f"echo {len(echo.seconds)}/{echo.expected}, p50 "
        f"{echo.percentile(50) * 1000:.1f} ms, p95 "
        f"{echo.percentile(95) * 1000:.1f} ms, {echo.rate:.1f} round trips/s; "
        f"delivery p50 / echo p50 = "
        f"{delivery.percentile(50) / echo.percentile(50):.1f}x, "
        f"delivery p95 / echo p95 = "
        f"{delivery.percentile(95) / echo.percentile(95):.1f}x (target <= 2x)"
    )


if __name__ == "__main__":
    main()
