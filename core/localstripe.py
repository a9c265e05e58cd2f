"""Start and stop localstripe (a fake Stripe API, PyPI ``localstripe``) on
loopback: the demo (``rundemo``) and the test suite talk to it instead of
Stripe (docs/payments.md). Generic process handling only, so it lives in core
and knows nothing of payments."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

START_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 5.0


class LocalstripeFailed(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def localstripe_start(*, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start localstripe on a free loopback port and wait until it answers.
    Returns the process and its base URL. ``--from-scratch``: it never loads
    another run's objects (it pickles its store to /tmp on every write)."""
    port = port or free_port()
    process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalstripeFailed(f"localstripe exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=1):  # noqa: S310 - loopback
                return process, base
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    localstripe_stop(process)
    raise LocalstripeFailed(f"localstripe did not answer on {base}")


def localstripe_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)


def localstripe_register_webhook(
    *, base: str, name: str, url: str, secret: str
) -> None:
    """Have localstripe send its events to ``url``, signed with ``secret``."""
    body = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
    request = urllib.request.Request(f"{base}/_config/webhooks/{name}", data=body)  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - loopback
        pass


def localstripe_events(*, base: str, key: str, type: str) -> list[dict]:  # noqa: A002 - Stripe's name
    """The events localstripe recorded of one type, newest first."""
    query = urllib.parse.urlencode({"type": type})
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}/v1/events?{query}", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        return json.load(response)["data"]
