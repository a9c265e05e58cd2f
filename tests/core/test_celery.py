"""A task goes through Redis to a real worker process and its result comes back."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from core.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def through_the_broker():
    # Test settings run tasks eagerly; this test must go through the broker.
    app.conf.update(task_always_eager=False)
    yield
    app.conf.update(task_always_eager=True)


@pytest.mark.usefixtures("through_the_broker")
def test_task_round_trip_through_a_real_worker():
    queue = f"test-{uuid.uuid4().hex[:8]}"  # private queue: no stray worker steals it
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        result = ping.apply_async(args=["n-1"], queue=queue)
        assert result.get(timeout=60) == "pong:n-1"
        assert result.successful()
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode is not None, output


def test_celery_is_configured_for_safe_delivery():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_url == settings.CELERY_BROKER_URL
    assert conf.broker_url.startswith("redis://")
    assert "clear-expired-sessions" in conf.beat_schedule
