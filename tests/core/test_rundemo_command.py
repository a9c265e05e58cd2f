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


def test_uvicorn_trusts_no_forwarded_addresses(monkeypatch, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_real"  # no localstripe here
    started: list[list[str]] = []

    def popen(command: list[str], **kwargs) -> _Exited:  # noqa: ANN003
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


def test_without_stripe_keys_the_demo_runs_localstripe_and_points_the_others_at_it(
    monkeypatch, settings
):
    from core.management.commands import rundemo

    settings.STRIPE_SECRET_KEY = ""
    envs: dict[str, dict[str, str]] = {}
    webhooks: list[dict[str, str]] = []
    fake_localstripe = _Exited(["localstripe"])

    def popen(command: list[str], env: dict[str, str]) -> _Exited:
        envs[command[5] if "celery" in command else "web"] = env
        return _Exited(command)

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(
        rundemo, "localstripe_start", lambda: (fake_localstripe, "http://127.0.0.1:9")
    )
    monkeypatch.setattr(
        rundemo, "localstripe_register_webhook", lambda **kw: webhooks.append(kw)
    )
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    with pytest.raises(CommandError, match="exited unexpectedly"):
        call_command("rundemo", port=8124)
    assert set(envs) == {"web", "worker", "beat"}
    for env in envs.values():
        assert env["STRIPE_API_BASE"] == "http://127.0.0.1:9"
        assert env["STRIPE_SECRET_KEY"].startswith("sk_test_")
    assert webhooks == [
        {
            "base": "http://127.0.0.1:9",
            "name": "demo",
            "url": "http://127.0.0.1:8124/payments/webhooks/stripe/",
            "secret": envs["web"]["STRIPE_WEBHOOK_SECRET"],
        }
    ]
