"""Stripe webhook acknowledgement over HTTP: first-seen and duplicate events.

    .venv/bin/python bench/payments.py
    .venv/bin/python bench/payments.py --events 1000 --duplicates 500 --concurrency 4

Runs against its own database, ``bench_payments``, on the same PostgreSQL server
as dev (created on first run, migrated, then reused), and its own Redis database
(number 15) for the Celery queue the acknowledged events go to; dev data is never
touched. Each run deletes the previous run's payments and events, makes one
payment per event (``processing``, as a payment waiting for its webhook is), then
starts uvicorn on 127.0.0.1 with a webhook secret of its own and POSTs signed
``payment_intent.succeeded`` events to ``/payments/webhooks/stripe/``: each
distinct event once (first seen: verify, store, queue), then some of them again
(duplicates: verify, find, answer). ``GET /healthz`` in the same run is the
baseline. Prints p50/p95/p99, throughput and the server's RSS, and fails if an
event was stored twice or a duplicate was not recognised. No worker runs: the
queued processing is dropped at the end. Bounded: fixed counts, capped whatever
is asked. See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# This file shares its name with the payments app: bench/ (Python puts the
# script's folder first) goes after the project root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path[:0] = [str(ROOT)]
sys.path.append(str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
# The server verifies with this secret; the bench signs with it.
WEBHOOK_SECRET = "whsec_bench_payments"  # noqa: S105 - a bench-only secret
os.environ["STRIPE_WEBHOOK_SECRET"] = WEBHOOK_SECRET

BENCH_DB = "bench_payments"
BENCH_REDIS_DB = 15
DOMAIN = "@bench-payments.test"
HOST = "localhost"
PATH = "/payments/webhooks/stripe/"

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
from django.core.management import call_command  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from payments.models import Payment, WebhookEvent  # noqa: E402


@dataclass
class Timings:
    label: str
    seconds: list[float] = field(default_factory=list)
    wall: float = 0.0
    answers: Counter = field(default_factory=Counter)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def rps(self) -> float:
        return len(self.seconds) / self.wall if self.wall else 0.0


# --- data ----------------------------------------------------------------------


def fresh_payments(count: int, run: str) -> list[Payment]:
    """The last run's rows go; ``count`` payments waiting for their webhook."""
    WebhookEvent.objects.filter(event_id__startswith="evt_bench_").delete()
    Payment.objects.filter(payer__email__endswith=DOMAIN).delete()
    payer, _ = User.objects.get_or_create(
        email=f"payer{DOMAIN}", defaults={"role": Role.CLIENT}
    )
    return Payment.objects.bulk_create(
        Payment(
            payer=payer,
            purpose=Payment.Purpose.OTHER,
            reference_type="bench.item",
            reference_id=f"{run}-{n}",
            amount_minor=5_000,
            currency="EUR",
            gateway="stripe",
            gateway_payment_id=f"pi_bench_{run}_{n}",
            status=Payment.Status.PROCESSING,
        )
        for n in range(count)
    )


def signed_event(payment: Payment, run: str) -> tuple[bytes, str]:
    body = json.dumps(
        {
            "id": f"evt_bench_{run}_{payment.pk}",
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": payment.gateway_payment_id,
                    "object": "payment_intent",
                    "amount": payment.amount_minor,
                    "currency": payment.currency.lower(),
                    "status": "succeeded",
                }
            },
        }
    ).encode()
    stamp = int(time.time())
    digest = hmac.new(
        WEBHOOK_SECRET.encode(), b"%d.%s" % (stamp, body), hashlib.sha256
    ).hexdigest()
    return body, f"t={stamp},v1={digest}"


# --- HTTP ----------------------------------------------------------------------


def start_uvicorn(port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    with log.open("w") as sink:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and args
            command, cwd=ROOT, env=os.environ.copy(), stderr=sink
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            if send(port, ("GET", "/healthz", None, ""), None)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    page_bench.stop(server)
    raise RuntimeError("uvicorn did not answer /healthz within 60 s")


Job = tuple[str, str, bytes | None, str]  # method, path, body, signature


def send(
    port: int, job: Job, conn: http.client.HTTPConnection | None
) -> tuple[int, str, http.client.HTTPConnection]:
    """(status, what the answer says, the connection to reuse)."""
    method, path, body, signature = job
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": HOST}
    if body is not None:
        headers |= {"Content-Type": "application/json", "Stripe-Signature": signature}
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    said = ""
    if path == PATH:
        try:
            answer = json.loads(raw)
            said = (
                ("duplicate" if answer["duplicate"] else "new")
                if response.status == 200
                else answer["error"]["code"]
            )
        except (ValueError, KeyError, TypeError):
            said = "not-json"
    return response.status, said, conn


def run_jobs(label: str, port: int, jobs: list[Job], concurrency: int) -> Timings:
    """Each client thread works through its share on one keep-alive connection."""
    chunks = [jobs[i::concurrency] for i in range(concurrency)]

    def worker(chunk: list[Job]) -> list[tuple[float, int, str]]:
        conn, out = None, []
        for job in chunk:
            t0 = time.perf_counter()
            status, said, conn = send(port, job, conn)
            out.append((time.perf_counter() - t0, status, said))
        if conn is not None:
            conn.close()
        return out

    timings = Timings(label)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for part in pool.map(worker, chunks):
            for seconds, status, said in part:
                timings.seconds.append(seconds)
                timings.answers[(status, said)] += 1
    timings.wall = time.perf_counter() - started
    return timings


def rss_mib(pid: int) -> float:
    """Resident set size of the server process (Linux /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- report ----------------------------------------------------------------------


def print_table(rows: list[Timings], base: Timings) -> None:
    header = (
        f"{'target':<44} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'req/s':>8} {'x base':>7}  answers"
    )
    rule = "-" * (len(header) + 20)
    print(f"\nHTTP over loopback (uvicorn, 1 worker)\n{header}\n{rule}")
    for row in rows:
        answers = ", ".join(
            f"{n} x {status}{f' {said}' if said else ''}"
            for (status, said), n in sorted(row.answers.items(), key=str)
        )
        ratio = row.percentile(50) / base.percentile(50)
        print(
            f"{row.label:<44} {len(row.seconds):>5} "
            f"{row.percentile(50) * 1000:>8.2f} {row.percentile(95) * 1000:>8.2f} "
            f"{row.percentile(99) * 1000:>8.2f} {row.rps:>8.1f} {ratio:>7.1f}"
            f"  {answers}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=500, help="distinct events")
    parser.add_argument(
        "--duplicates", type=int, default=250, help="events sent a second time"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="HTTP clients")
    args = parser.parse_args()
    count = max(1, min(args.events, 5000))  # bounded whatever is asked
    duplicates = max(1, min(args.duplicates, count))
    concurrency = max(1, min(args.concurrency, 16))

    call_command("migrate", verbosity=0)
    run = f"{int(time.time())}"
    # The warm-up sends a few events of its own too: the first publish to
    # Redis (the outbox) opens a connection, which is not what is measured.
    warm = min(10, count)
    payments = fresh_payments(count + warm, run)
    events = [signed_event(p, run) for p in payments[warm:]]
    warm_events = [signed_event(p, run) for p in payments[:warm]]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"database {bench_database_name(BENCH_DB)}; {count} payments; "
        f"{os.cpu_count()} CPUs, load average {load} (1, 5, 15 min); "
        f"Django {django.get_version()}"
    )

    port = page_bench.free_port()
    log = ROOT / "var" / f"{bench_database_name(BENCH_DB)}_server.log"
    log.parent.mkdir(exist_ok=True)
    server = start_uvicorn(port, log)
    try:
        run_jobs("warm-up", port, [("GET", "/healthz", None, "")] * 20, concurrency)
        run_jobs(
            "warm-up", port, [("POST", PATH, b, s) for b, s in warm_events], concurrency
        )
        rss_before = rss_mib(server.pid)
        healthz = run_jobs(
            f"GET /healthz (baseline) (x{concurrency})",
            port,
            [("GET", "/healthz", None, "")] * count,
            concurrency,
        )
        first = run_jobs(
            f"POST webhook, first seen (x{concurrency})",
            port,
            [("POST", PATH, body, sig) for body, sig in events],
            concurrency,
        )
        again = run_jobs(
            f"POST webhook, duplicate (x{concurrency})",
            port,
            [("POST", PATH, body, sig) for body, sig in events[:duplicates]],
            concurrency,
        )
        rss_after = rss_mib(server.pid)
    finally:
        page_bench.stop(server)
        drop_celery_queue()

    print_table([healthz, first, again], healthz)
    print(
        f"\nserver RSS: {rss_before:.1f} MiB after warm-up, {rss_after:.1f} MiB "
        f"after {count + duplicates} webhooks"
    )
    print(
        f"first seen p95 {first.percentile(95) * 1000:.2f} ms, "
        f"{first.rps:.1f} events/s; duplicate p95 "
        f"{again.percentile(95) * 1000:.2f} ms, {again.rps:.1f} events/s"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at the end {load} (1, 5, 15 min)")
    # The bench's assertions: every event stored once, every duplicate known.
    stored = WebhookEvent.objects.filter(event_id__startswith=f"evt_bench_{run}_")
    failures = []
    if first.answers[(200, "new")] != count:
        failures.append(f"first seen: {dict(first.answers)}")
    if again.answers[(200, "duplicate")] != duplicates:
        failures.append(f"duplicates: {dict(again.answers)}")
    if stored.count() != count + warm:
        failures.append(f"{stored.count()} events stored for {count + warm} distinct")
    if failures:
        raise SystemExit("FAILED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
