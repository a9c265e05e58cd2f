"""`make stop` (python -m config.embedded stop) stops the embedded PostgreSQL and
Redis started from var/, and touches no other process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from config import embedded

ROOT = Path(__file__).resolve().parents[2]
# A stand-in postmaster: it names its data folder on its command line (as
# `postgres -D <pgdata>` does) and ends on SIGINT, PostgreSQL's fast shutdown.
FAKE_POSTMASTER = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGINT, lambda *a: sys.exit(0))\n"
    "time.sleep(60)\n"
)


def _fake_postmaster(pgdata: Path) -> subprocess.Popen:
    pgdata.mkdir(parents=True)
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", FAKE_POSTMASTER, "-D", str(pgdata)]
    )
    (pgdata / "postmaster.pid").write_text(f"{process.pid}\n{pgdata}\n")
    return process


def _stop(var_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "config.embedded", "stop"],
        cwd=ROOT,
        env={**os.environ, "VAR_DIR": str(var_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_stop_stops_the_embedded_servers(tmp_path):
    var = tmp_path / "var"
    postmaster = _fake_postmaster(var / "pgdata")
    url = embedded.redis_url(var)  # a real embedded Redis, in this folder
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert embedded._redis_answers(port)
    try:
        result = _stop(var)
        assert result.returncode == 0, result.stderr
        assert f"PostgreSQL: stopped (pid {postmaster.pid})." in result.stdout
        assert f"Redis: stopped (port {port})." in result.stdout
        assert postmaster.wait(timeout=10) == 0
        assert not embedded._redis_answers(port)
        # Twice is harmless.
        again = _stop(var)
        assert again.returncode == 0
        assert "Redis: not running." in again.stdout
        assert "PostgreSQL: not running." in again.stdout
    finally:
        if postmaster.poll() is None:
            postmaster.kill()
        if embedded._redis_answers(port):
            embedded._stop_redis(var / "redis")


def test_a_stale_pid_file_naming_another_process_is_left_alone(tmp_path):
    pgdata = tmp_path / "var" / "pgdata"
    pgdata.mkdir(parents=True)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # noqa: S603
    (pgdata / "postmaster.pid").write_text(f"{other.pid}\n")
    try:
        result = _stop(tmp_path / "var")
        assert "left alone" in result.stdout
        assert psutil.Process(other.pid).status() != psutil.STATUS_ZOMBIE
        assert other.poll() is None
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait()


@pytest.mark.parametrize("target", ["stop"])
def test_the_makefile_runs_it(target):
    makefile = (ROOT / "Makefile").read_text()
    assert f"\n{target}:\n\t$(PY) -m config.embedded stop\n" in makefile
