"""`make demo`'s last step: web server, worker and beat come up together, the main
URLs answer with the seeded users, and Ctrl-C stops every process."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from tests.config.test_production_settings import _database_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "rundemo exited early"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the demo web server did not answer /healthz in time")


def _status(
    opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None
) -> tuple[int, str, bytes]:
    try:
        with opener.open(url, data=data, timeout=10) as response:
            return (
                response.status,
                response.headers.get("Location", ""),
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read()


def test_demo_runs_everything_and_stops_on_ctrl_c(tmp_path, monkeypatch):
    monkeypatch.setenv("DEMO_PROFILES", "3")  # the processes matter here, not volume
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "rundemo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=(tmp_path / "demo.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    log = tmp_path / "demo.log"
    try:
        _wait_until_up(base, process)
        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) >= 3  # web, worker, beat (the worker forks its pool)

        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect
        )
        assert _status(browser, f"{base}/")[0] == 200, log.read_text()[-3000:]
        assert _status(browser, f"{base}/api/docs/")[0] == 200
        status, location, _ = _status(browser, f"{base}/cms/")
        assert (status, location) == (302, "/accounts/login/?next=/cms/")

        _, _, form = _status(browser, f"{base}/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode(
            {
                "login": "editor@demo.test",
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": token.decode(),
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback http URL
            f"{base}/accounts/login/",
            data=body,
            headers={"Referer": f"{base}/accounts/login/"},
        )
        status, _, _ = _status(browser, request)
        assert status == 302
        # Demo staff have no authenticator: the first admin visit sets one up
        # (the admin needs two-factor authentication, README "Demo logins").
        status, location, _ = _status(browser, f"{base}/cms/")
        assert (status, location) == (
            302,
            "/accounts/2fa/totp/activate/?next=%2Fcms%2F",
        )
        # allauth asks for the password once more before adding an authenticator.
        status, confirm, _ = _status(browser, f"{base}{location}")
        assert status == 302
        assert confirm.startswith("/accounts/reauthenticate/?next=")
        status, _, page = _status(browser, f"{base}{confirm}")
        assert status == 200
        assert b"needs two-factor authentication" in page
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    output = log.read_text()
    assert process.returncode == 0, output
    assert "Demo logins" in output and "admin@demo.test" in output
    assert "All demo processes stopped." in output
    assert not [
        c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE
    ]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_taken_port_stops_the_demo_with_a_clear_message_and_a_failure_exit():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # The port comes from PORT (as `make demo PORT=…` exports it).
        result = _manage(
            "rundemo",
            env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PORT": str(port)},
        )
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"make demo PORT={port + 1}" in result.stderr
    # Nothing was started: no banner, no worker.
    assert "Demo logins" not in result.stdout


def test_port_moves_the_site_url_and_the_trusted_origins():
    shown = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SITE_URL, s.WAGTAILADMIN_BASE_URL, *s.CSRF_TRUSTED_ORIGINS)",
        env={"DJANGO_SETTINGS_MODULE": "config.settings.dev", "PORT": "8123"},
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert shown.stdout.splitlines()[-1].split() == [
        "http://127.0.0.1:8123",
        "http://127.0.0.1:8123",
        "http://127.0.0.1:8123",
        "http://localhost:8123",
    ]
