"""localstripe for the suite (docs/payments.md). ``localstripe_server`` starts
one process per test session, i.e. per xdist worker (each on its own free
port), and stops it at the end; ``stripe_local`` points the settings of one
test at it. Request ``stripe_local`` in any test that talks to Stripe."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from core.localstripe import localstripe_start, localstripe_stop

SECRET_KEY = "sk_test_localstripe"
PUBLISHABLE_KEY = "pk_test_localstripe"
WEBHOOK_SECRET = "whsec_test_localstripe"


@dataclass(frozen=True)
class LocalStripe:
    base: str
    secret_key: str = SECRET_KEY
    webhook_secret: str = WEBHOOK_SECRET

    def sign(self, body: bytes, *, secret: str | None = None) -> str:
        """A Stripe-Signature header for ``body``, as Stripe (and localstripe)
        make it."""
        stamp = int(time.time())
        signed = b"%d.%s" % (stamp, body)
        digest = hmac.new(
            (secret or self.webhook_secret).encode(), signed, hashlib.sha256
        ).hexdigest()
        return f"t={stamp},v1={digest}"

    def signed_event(self, event: dict) -> tuple[bytes, str]:
        body = json.dumps(event).encode()
        return body, self.sign(body)


@pytest.fixture(scope="session")
def localstripe_server() -> Iterator[str]:
    process, base = localstripe_start()
    try:
        yield base
    finally:
        localstripe_stop(process)


@pytest.fixture
def stripe_local(settings, localstripe_server: str) -> LocalStripe:  # noqa: ANN001
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return LocalStripe(base=localstripe_server)
