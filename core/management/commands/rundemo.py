"""Run the whole platform in one terminal: ASGI web server (HTTP + WebSockets),
Celery worker and Celery beat. Ctrl-C stops all three."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from core.demo import demo_logins


class Command(BaseCommand):
    help = "Run web server, Celery worker and beat together (development/demo only)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options) -> None:
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
        processes = {
            name: subprocess.Popen(command)  # noqa: S603 - our own interpreter and args
            for name, command in commands.items()
        }
        self._print_banner(host, port)
        stopping = False

        def stop(signum: int, frame) -> None:  # noqa: ANN001, ARG001
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
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

    def _print_banner(self, host: str, port: int) -> None:
        base = f"http://{host}:{port}"
        lines = [
            "",
            "Premium Escorts Directory is starting:",
            f"  site        {base}/",
            f"  CMS admin   {base}/cms/",
            f"  API docs    {base}/api/docs/",
            f"  health      {base}/healthz   readiness {base}/readyz",
            "",
            "Demo logins:",
            *[
                f"  {label:8} {email:24} {password}"
                for label, email, password in demo_logins()
            ],
            "",
            "Press Ctrl-C to stop the web server, worker and beat.",
            "",
        ]
        self.stdout.write("\n".join(lines))
