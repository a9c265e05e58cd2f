"""uvicorn against granian (ASGI) on the same fresh data: /healthz, a city page,
the API list and WebSocket echo/delivery, with 1 and 2 worker processes.

    .venv/bin/python bench/servers.py             # both servers, 1 and 2 workers
    .venv/bin/python bench/servers.py --servers granian --workers 2 --sockets 100

Its own database, ``bench_servers``, dropped and created again at the start
(``--keep-data`` reuses it), migrated and filled through bench/messaging.py (a
city, one live profile per client/provider pair, their threads), and Redis
database 9. Each server is started on 127.0.0.1, measured, its processes' RSS
read, and stopped, also on error. Bounded like the benches it reuses
(bench/pages.py over HTTP, bench/messaging.py over sockets). See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BENCH_DB = "bench_servers"
BENCH_REDIS_DB = 7  # tests use 9-11, pages 8, the other benches 12-15
SERVERS = ("uvicorn", "granian")
MAX_WORKERS = 4
MAX_REQUESTS = 5000

sys.path[:0] = [str(BENCH), str(ROOT)]
from own_stores import bench_database_name, server_url  # noqa: E402

os.environ["BENCH_MESSAGING_DB"] = BENCH_DB
os.environ["BENCH_MESSAGING_REDIS_DB"] = str(BENCH_REDIS_DB)


def drop_database() -> None:
    """A fresh corpus: the database of the last run goes first."""
    import psycopg

    name = bench_database_name(BENCH_DB)
    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_socket_bench():  # noqa: ANN201 - the module
    """bench/messaging.py under another name (``messaging`` is the app); it
    sets the environment for this bench's stores and sets Django up."""
    spec = importlib.util.spec_from_file_location(
        "socket_bench", BENCH / "messaging.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["socket_bench"] = module
    spec.loader.exec_module(module)
    return module


def command(server: str, port: int, workers: int) -> list[str]:
    if server == "uvicorn":
        return [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    return [
        sys.executable, "-m", "granian", "--interface", "asgi",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "config.asgi:application",
    ]  # fmt: skip


def start(server: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    from pages import http_get, stop

    with log.open("w") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and args
            command(server, port, workers),
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=sink,  # granian logs to stdout
            stderr=sink,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{server} exited with {process.returncode}, see {log}")
        try:
            status, conn = http_get(port, "/healthz")
            conn.close()
            if status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{server} did not answer /healthz within 60 s")


def rss_mb(process: subprocess.Popen) -> dict[str, list[float]]:
    """RSS of the server's processes: ``workers`` are the ones serving (the
    only process of a one-worker uvicorn), ``supervisor`` the parent that only
    watches them."""
    import psutil

    root = psutil.Process(process.pid)
    children = root.children(recursive=True)
    # multiprocessing's resource tracker is no worker.
    workers = [c for c in children if "resource_tracker" not in " ".join(c.cmdline())]
    mb = lambda p: round(p.memory_info().rss / 2**20, 1)  # noqa: E731
    if not workers:
        return {"supervisor": [], "workers": [mb(root)]}
    return {"supervisor": [mb(root)], "workers": [mb(c) for c in workers]}


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def http_rows(port: int, targets: list, args: argparse.Namespace) -> list[dict]:
    from pages import run_http

    rows = []
    for target in targets:
        result = run_http(
            target,
            port=port,
            warmup=args.warmup,
            requests=args.requests,
            concurrency=args.concurrency,
        )
        rows.append(_row(target.label, result.latencies, result.wall, result.note))
    return rows


def _row(label: str, seconds: list[float], wall: float, note: str = "") -> dict:
    ordered = sorted(seconds)

    def pct(p: float) -> float:
        if not ordered:
            return float("nan")
        return ordered[max(0, -(-len(ordered) * p // 100) - 1)] * 1000

    return {
        "label": label,
        "n": len(ordered),
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "rate": len(ordered) / wall if wall else 0.0,
        "note": note,
    }


def socket_rows(port: int, sockets_bench, pairs: list, cookies: dict, messages: int):  # noqa: ANN001, ANN201
    connects, echo, delivery, errors = asyncio.run(
        sockets_bench.measure(port, pairs, cookies, messages)
    )
    rows = []
    for label, timings in (("ws echo", echo), ("ws delivery", delivery)):
        row = _row(label, timings.seconds, timings.wall)
        row["note"] = f"{len(timings.seconds)}/{timings.expected}" + (
            f" {dict(timings.errors)}" if timings.errors else ""
        )
        rows.append(row)
    rows[1]["ratio"] = rows[1]["p95"] / rows[0]["p95"] if rows[0]["n"] else None
    return rows, errors


def run_one(server: str, workers: int, ctx: dict, args: argparse.Namespace) -> dict:
    from pages import free_port, stop

    port = free_port()
    log = ROOT / "var" / f"{bench_database_name(BENCH_DB)}_{server}_{workers}.log"
    log.parent.mkdir(exist_ok=True)
    start_load = load_average()
    process = start(server, port, workers, log)
    try:
        rows = http_rows(port, ctx["targets"], args)
        if args.sockets:
            ws, _ = socket_rows(
                port, ctx["bench"], ctx["pairs"], ctx["cookies"], args.messages
            )
            rows += ws
        memory = rss_mb(process)
    finally:
        stop(process)
        ctx["bench"].drop_celery_queue()
    tracebacks = sum(
        line.startswith("Traceback") for line in log.read_text().splitlines()
    )
    return {
        "server": server,
        "workers": workers,
        "rows": rows,
        "rss_mb": memory,
        "load": (start_load, load_average()),
        "tracebacks": tracebacks,
        "log": str(log),
    }


def print_run(run: dict) -> None:
    memory = run["rss_mb"]
    print(
        f"\n{run['server']}, {run['workers']} worker(s); load average "
        f"{run['load'][0]} -> {run['load'][1]}; RSS MB per worker "
        f"{memory['workers']}, supervisor {memory['supervisor'] or '-'}; "
        f"{run['tracebacks']} traceback(s) in {run['log']}"
    )
    header = (
        f"{'target':<16} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'per s':>8}  note"
    )
    print(f"{header}\n{'-' * (len(header) + 12)}")
    for row in run["rows"]:
        print(
            f"{row['label']:<16} {row['n']:>5} {row['p50']:>8.2f} {row['p95']:>8.2f} "
            f"{row['p99']:>8.2f} {row['rate']:>8.1f}  {row['note']}"
        )


def print_summary(runs: list[dict]) -> None:
    """One line per target: per second and p95 for every server and worker count."""
    columns = [f"{r['server']} x{r['workers']}" for r in runs]
    print(
        "\nSUMMARY (per s / p95 ms)\n"
        + f"{'target':<16} "
        + " ".join(f"{c:>20}" for c in columns)
    )
    for index, row in enumerate(runs[0]["rows"]):
        cells = []
        for run in runs:
            other = run["rows"][index]
            cells.append(f"{other['rate']:>9.1f} / {other['p95']:>8.1f}")
        print(f"{row['label']:<16} " + " ".join(f"{c:>20}" for c in cells))
    for run in runs:
        delivery = next((r for r in run["rows"] if r["label"] == "ws delivery"), None)
        if delivery and delivery.get("ratio"):
            print(
                f"{run['server']} x{run['workers']}: delivery p95 / echo p95 = "
                f"{delivery['ratio']:.2f}"
            )


def prepare(args: argparse.Namespace) -> dict:
    if not args.keep_data:
        drop_database()
    sockets_bench = load_socket_bench()
    import pages
    from django.core.management import call_command

    from directory.models import CityPage

    call_command("migrate", verbosity=0)
    pairs = sockets_bench.bench_pairs(max(1, args.sockets // 2 or args.profiles))
    cookies = {
        user.pk: sockets_bench.session_cookie(user)
        for client, provider, _ in pairs
        for user in (client, provider)
    }
    city = CityPage.objects.get(slug="bench-messaging-city")
    targets = [
        pages.Target("/healthz", "/healthz"),
        pages.Target("city page", city.url),
        pages.Target("API escorts", "/api/v1/escorts"),
    ]
    return {
        "bench": sockets_bench,
        "pairs": pairs,
        "cookies": cookies,
        "targets": targets,
        "city": city,
    }


def api_count() -> str:
    """How many profiles the list and the page show: the data is what is
    measured, so say how much of it there is."""
    from django.test import Client

    answer = Client(HTTP_HOST="localhost").get("/api/v1/escorts")
    try:
        body = json.loads(answer.content)
    except ValueError:
        return f"API answered {answer.status_code}"
    items = body.get("results", body if isinstance(body, list) else [])
    return f"API /api/v1/escorts: {answer.status_code}, {len(items)} items on page 1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--workers", default="1,2", help="worker counts to try")
    parser.add_argument("--requests", type=int, default=300, help="timed, per target")
    parser.add_argument("--warmup", type=int, default=30, help="untimed, per target")
    parser.add_argument("--concurrency", type=int, default=4, help="HTTP clients")
    parser.add_argument("--sockets", type=int, default=200, help="0: no sockets")
    parser.add_argument("--messages", type=int, default=5, help="per socket")
    parser.add_argument("--profiles", type=int, default=100, help="with --sockets 0")
    parser.add_argument("--keep-data", action="store_true", help="reuse the database")
    args = parser.parse_args()
    servers = [s for s in args.servers.split(",") if s in SERVERS] or list(SERVERS)
    worker_counts = sorted(
        {max(1, min(int(w), MAX_WORKERS)) for w in args.workers.split(",")}
    )
    args.requests = max(1, min(args.requests, MAX_REQUESTS))
    args.warmup = max(0, min(args.warmup, 500))
    args.concurrency = max(1, min(args.concurrency, 16))
    args.sockets = max(0, min(args.sockets, 1000)) // 2 * 2
    args.messages = max(1, min(args.messages, 50))

    t0 = time.perf_counter()
    ctx = prepare(args)
    import django

    print(
        f"database {bench_database_name(BENCH_DB)} (fresh: {not args.keep_data}), "
        f"Redis db {BENCH_REDIS_DB}; {len(ctx['pairs'])} live profiles in one city, "
        f"ready in {time.perf_counter() - t0:.1f} s; {api_count()}; "
        f"{os.cpu_count()} CPUs, load average {load_average()}; Django "
        f"{django.get_version()}; {args.requests} requests x {args.concurrency} "
        f"clients per target, {args.sockets} sockets x {args.messages} messages"
    )
    runs = []
    for workers in worker_counts:
        for server in servers:
            run = run_one(server, workers, ctx, args)
            print_run(run)
            runs.append(run)
    print_summary(runs)


if __name__ == "__main__":
    main()
