"""Error reporting: off without SENTRY_DSN; with it, Django and Celery
integrations, no personal data, and no request bodies, cookies or credentials in
what would be sent. Nothing here reaches the network: the DSN points at a closed
loopback port and the in-process client gets a transport that only records."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from config.sentry import scrub, sentry_init

ROOT = Path(__file__).resolve().parents[2]
DSN = "http://public@127.0.0.1:9/1"

_PRINT_OPTIONS = """
import json, sentry_sdk
client = sentry_sdk.get_client()
options = client.options
hook = options["before_send"]
print(json.dumps({
    "active": client.is_active(),
    "dsn": options["dsn"],
    "send_default_pii": options["send_default_pii"],
    "traces_sample_rate": options["traces_sample_rate"],
    "environment": options["environment"],
    "release": options["release"],
    "max_request_body_size": options["max_request_body_size"],
    "before_send": hook.__module__ + "." + hook.__name__,
    "integrations": sorted(client.integrations),
}))
"""


def _shell(**env: str) -> dict:
    environ = {
        key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")
    }
    environ.update(DJANGO_SETTINGS_MODULE="config.settings.test", **env)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", _PRINT_OPTIONS],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_off_without_a_dsn():
    # This test process runs without SENTRY_DSN.
    assert not sentry_sdk.get_client().is_active()


def test_settings_initialise_it_from_the_environment():
    options = _shell(
        SENTRY_DSN=DSN,
        SENTRY_ENVIRONMENT="staging",
        SENTRY_RELEASE="2026.11.30",
        SENTRY_TRACES_SAMPLE_RATE="0.25",
    )
    assert options["active"] is True
    assert options["dsn"] == DSN
    assert options["send_default_pii"] is False
    assert options["traces_sample_rate"] == 0.25
    assert options["environment"] == "staging"
    assert options["release"] == "2026.11.30"
    assert options["max_request_body_size"] == "never"
    assert options["before_send"] == "config.sentry.scrub"
    assert {"django", "celery"} <= set(options["integrations"])


def test_traces_are_off_by_default():
    options = _shell(SENTRY_DSN=DSN)
    assert options["traces_sample_rate"] == 0.0
    assert options["environment"] == "production"


class RecordingTransport(Transport):
    """Keeps envelopes in memory: nothing leaves the process."""

    def __init__(self, options: dict | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def recording_client():  # noqa: ANN201
    transport = RecordingTransport()
    sentry_init(
        dsn=DSN,
        environment="test",
        release=None,
        traces_sample_rate=0.0,
        transport=transport,
    )
    try:
        yield transport
    finally:
        sentry_sdk.get_global_scope().set_client(None)
        assert not sentry_sdk.get_client().is_active()


def test_an_event_leaves_without_body_cookies_credentials_or_user(recording_client):
    with sentry_sdk.new_scope() as scope:
        scope.set_user({"id": 7, "email": "client@example.test"})
        scope.add_event_processor(_with_request)
        sentry_sdk.capture_message("boom")
    sentry_sdk.flush()
    events = [
        item.payload.json
        for envelope in recording_client.envelopes
        for item in envelope.items
        if item.type == "event"
    ]
    assert len(events) == 1
    event = events[0]
    assert event["message"] == "boom"
    assert "user" not in event
    request = event["request"]
    assert "data" not in request
    assert "cookies" not in request
    assert set(request["headers"]) == {"User-Agent"}
    assert request["url"] == "https://directory.example.com/messages/3/"


def _with_request(event: dict, hint: dict) -> dict:
    # What Django's integration attaches to an event raised inside a request.
    event["request"] = {
        "url": "https://directory.example.com/messages/3/",
        "method": "POST",
        "data": {"body": "a private message"},
        "cookies": {"sessionid": "secret"},
        "headers": {
            "Cookie": "sessionid=secret",
            "Authorization": "Bearer secret",
            "X-Session-Token": "secret",
            "User-Agent": "pytest",
        },
    }
    return event


def test_scrub_leaves_an_event_without_a_request_alone():
    event = {"message": "task failed", "extra": {"booking": 3}}
    assert scrub(dict(event), {}) == event
