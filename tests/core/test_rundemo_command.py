"""The demo's ASGI server trusts no X-Forwarded-For: visitors connect from
127.0.0.1, which uvicorn would otherwise trust to name their address."""

from __future__ import annotations

import signal
import subprocess

import pytest
from django.core.management import CommandError, call_command


class _Exited:
    """A process that has already ended: rundemo stops at once (and says so)."""

    def __init__(self, command: list[str]):
        self.command = command

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:  # noqa: ARG002
        return 0


def test_uvicorn_trusts_no_forwarded_addresses(monkeypatch):
    started: list[list[str]] = []

    def popen(command: list[str]) -> _Exited:
        started.append(command)
        return _Exited(command)

    monkeypatch.setattr(subprocess, "Popen", popen)
    # rundemo takes over Ctrl-C; the test run keeps its own handler.
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    # Processes that end on their own are a failure of the demo, not a clean stop.
    with pytest.raises(CommandError, match="exited unexpectedly"):
        call_command("rundemo", port=8123)
    web = next(command for command in started if "uvicorn" in command)
    flag = web.index("--forwarded-allow-ips")
    assert web[flag + 1] == ""
