"""Run the whole platform in one terminal: ASGI web server (HTTP + WebSockets),
Celery worker and Celery beat, and localstripe (the fake Stripe API, on a free
loopback port) when no ``STRIPE_SECRET_KEY`` is set. Ctrl-C stops them all
(the embedded PostgreSQL and Redis keep running: `make stop`). The port comes
from ``--port`` or the ``PORT`` setting; a port already in use stops the
command with a non-zero exit before anything starts."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import demo_logins
from core.localstripe import (
    localstripe_register_webhook,
    localstripe_start,
    localstripe_stop,
)

# Fake keys for localstripe, which accepts any sk_/pk_ key (docs/payments.md).
DEMO_STRIPE = {
    "STRIPE_SECRET_KEY": "sk_test_demo",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_demo",
    "STRIPE_WEBHOOK_SECRET": "whsec_demo",
}


class Command(BaseCommand):
    help = "Run web server, Celery worker and beat together (development/demo only)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--port", type=int, default=None, help="default: the PORT setting (8000)"
        )

    def handle(self, *args, host: str, port: int | None, **options) -> None:
        port = port or settings.PORT
        _check_port_free(host, port)
        python = sys.executable
        commands = {
            "web": [
                python,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                host,
                "--port",
                str(port),
                "--no-access-log",
                # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default, and the
                # demo's visitors connect from there: they could pick their own
                # address. Django picks the client hop itself (TRUSTED_PROXY_COUNT),
                # so uvicorn trusts no forwarded header.
                "--forwarded-allow-ips",
                "",
            ],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        env, localstripe = self._stripe_environment(host, port)
        processes = {
            name: subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and args
            for name, command in commands.items()
        }
        if localstripe is not None:
            processes["localstripe"] = localstripe
        self._print_banner(host, port, env.get("STRIPE_API_BASE", ""))
        stopping = False

        def stop(signum: int, frame) -> None:  # noqa: ANN001, ARG001
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exited: list[str] = []
        try:
            while not stopping:
                exited = [n for n, p in processes.items() if p.poll() is not None]
                if exited:
                    self.stderr.write(
                        f"{', '.join(exited)} exited; stopping the others."
                    )
                    break
                time.sleep(0.5)
        finally:
            self._stop_all(processes)
        if exited:
            # A process that died on its own is a failure, not a clean stop.
            raise CommandError(f"{', '.join(exited)} exited unexpectedly.")

    def _stripe_environment(
        self, host: str, port: int
    ) -> tuple[dict[str, str], subprocess.Popen | None]:
        """The children's environment: unchanged with real Stripe keys; else
        localstripe started here, its address and fake keys, and its webhooks
        sent to this demo's endpoint."""
        env = dict(os.environ)
        if settings.STRIPE_SECRET_KEY:
            return env, None
        process, base = localstripe_start()
        try:
            localstripe_register_webhook(
                base=base,
                name="demo",
                url=f"http://{host}:{port}/payments/webhooks/stripe/",
                secret=DEMO_STRIPE["STRIPE_WEBHOOK_SECRET"],
            )
        except OSError:
            localstripe_stop(process)
            raise
        env.update(DEMO_STRIPE, STRIPE_API_BASE=base)
        return env, process

    def _stop_all(self, processes: dict[str, subprocess.Popen]) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for name, process in processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in time; killing it.")
                process.kill()
        self.stdout.write("All demo processes stopped.")

    def _print_banner(self, host: str, port: int, stripe_base: str) -> None:
        base = f"http://{host}:{port}"
        stripe_line = (
            f"  payments    localstripe {stripe_base} (fake Stripe)"
            if stripe_base
            else "  payments    Stripe (STRIPE_SECRET_KEY)"
        )
        lines = [
            "",
            "Premium Escorts Directory is starting:",
            f"  site        {base}/",
            f"  CMS admin   {base}/cms/",
            f"  API docs    {base}/api/docs/",
            f"  health      {base}/healthz   readiness {base}/readyz",
            stripe_line,
            "",
            "Demo logins:",
            *[
                f"  {label:8} {email:24} {password}"
                for label, email, password in demo_logins()
            ],
            "",
            "Press Ctrl-C to stop the web server, worker, beat and localstripe.",
            "",
        ]
        self.stdout.write("\n".join(lines))


def _check_port_free(host: str, port: int) -> None:
    """Fail before starting anything: uvicorn would log the bind error and exit
    while the worker and beat kept the command looking alive."""
    with socket.socket() as probe:
        # As uvicorn binds: a port with only closed connections in TIME_WAIT
        # (a demo just stopped) is free; one with a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = "is already in use" if error.errno == errno.EADDRINUSE else "fails"
            raise CommandError(
                f"Port {port} on {host} {reason} ({error.strerror}). Stop what "
                f"serves it, or pick another port: make demo PORT={port + 1}"
            ) from error
