"""Schemathesis in the suite (docs/architecture.md, invariant 10; "the schema
tells the truth"):
every /api/v1/ operation, anonymous, as a client and as a provider, with a bounded
number of derandomized examples. Fails on any 5xx, any response the schema does not
document (status, content type, body) and any 4xx outside the error shape.
``make fuzz`` runs the same with FUZZ_EXAMPLES examples per operation, and allauth's
headless API (FUZZ_ALLAUTH=1) for server errors."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error

from accounts.models import Role, User
from directory.services import favourite_add
from messaging.services import thread_start
from tests.api.fuzz import fuzz_schema
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, local_time, request_booking
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
ALLAUTH = os.environ.get("FUZZ_ALLAUTH") == "1"


@pytest.fixture
def no_throttles(monkeypatch):
    # The fuzzer sends hundreds of requests a minute; a 429 would hide what the
    # endpoint answers. Throttles have their own tests.
    rates = dict.fromkeys(SimpleRateThrottle.THROTTLE_RATES, "1000000/min")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def wsgi_app():
    """The real WSGI handler on the test database: like Django's test client, it
    must not close the connection (and the test's transaction) after a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    """A city, a live bookable profile, its provider, a client with a booking and a
    conversation: object routes hit real objects as well as 404s."""
    city = make_city("Fuzzburg", slug="fuzzburg")
    provider = EscortOwnerFactory()
    profile = bookable_profile("Fuzzy", city=city, owner=provider)
    client = UserFactory(role=Role.CLIENT)
    booking = request_booking(
        profile, start=local_time(city, days=3, hour=14), client=client
    )
    thread, message = thread_start(
        client=client, profile_id=profile.pk, body="Hello there"
    )
    favourite_add(client=client, profile_id=profile.pk)  # a real row to list
    return {
        "client": client,
        "provider": provider,
        "real_path": {
            "profile_id": profile.pk,
            "booking_id": booking.pk,
            "thread_id": thread.pk,
            "message_id": message.pk,
            "slug": "no-agency",
            "action": "cancel",
        },
    }


def session_token(user: User | None) -> dict[str, str]:
    """allauth's app session token is the session key (api/authentication.py),
    and an uncompressed body: schemathesis asks for gzip like any HTTP client, but
    its WSGI transport hands the body over without decoding it (GZipMiddleware
    answers gzip; tests/core/test_delivery.py checks that)."""
    headers = {"Accept-Encoding": "identity"}
    if user is None:
        return headers
    browser = Client()
    browser.force_login(user)
    return {**headers, "X-Session-Token": browser.session.session_key}


@pytest.mark.parametrize("actor", ["anonymous", "client", "provider"])
def test_api_schema_holds_under_fuzzing(actor, world, wsgi_app, no_throttles, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    user = None if actor == "anonymous" else world[actor]
    run = fuzz_schema(
        schema,
        actor=actor,
        examples=EXAMPLES,
        headers=session_token(user),
        real_path=world["real_path"],
    )
    with capsys.disabled():
        print(f"\n{run.summary()}")  # noqa: T201 - the closing note quotes it
    assert len(run.requests) >= 40, run.requests
    assert not run.failures, "\n\n".join(
        f"{key}\n{text}" for key, text in sorted(run.failures.items())
    )


@pytest.mark.skipif(not ALLAUTH, reason="make fuzz (FUZZ_ALLAUTH=1) only")
@pytest.mark.parametrize("actor", ["anonymous", "client"])
def test_allauth_headless_api_answers_no_server_error(
    actor, world, wsgi_app, no_throttles, settings, capsys
):
    # allauth's own spec documents flows this site does not enable (phone, codes,
    # passkeys, social logins), which answer 404: only server errors count here.
    settings.ACCOUNT_RATE_LIMITS = False
    schema = schemathesis.openapi.from_wsgi("/_allauth/openapi.json", wsgi_app)
    user = None if actor == "anonymous" else world[actor]
    run = fuzz_schema(
        schema,
        actor=f"{actor} on /_allauth/",
        examples=EXAMPLES,
        headers=session_token(user),
        real_path={"client": "app"},
        checks=[not_a_server_error],
    )
    with capsys.disabled():
        print(f"\n{run.summary()}")  # noqa: T201 - the closing note quotes it
    assert not run.failures, "\n\n".join(
        f"{key}\n{text}" for key, text in sorted(run.failures.items())
    )
