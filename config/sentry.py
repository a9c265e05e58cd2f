"""Error reporting through Sentry, only when SENTRY_DSN is set (docs/operations.md,
"Error reporting"). Nothing a member wrote and nothing that identifies them
leaves: no request bodies (messages, documents), cookies, auth headers or user
data; ``send_default_pii`` stays off."""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

# Headers that carry a session or a credential.
_SECRET_HEADERS = {"cookie", "authorization", "x-session-token", "x-csrftoken"}


def scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """before_send (and before_send_transaction): strip what must never leave."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() not in _SECRET_HEADERS
            }
    event.pop("user", None)
    return event


def sentry_init(
    *,
    dsn: str,
    environment: str,
    release: str | None,
    traces_sample_rate: float,
    transport: Any = None,  # noqa: ANN401 - tests pass one that sends nothing
) -> None:
    if not dsn:
        return
    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        max_request_body_size="never",
        before_send=scrub,
        before_send_transaction=scrub,
        **options,
    )
