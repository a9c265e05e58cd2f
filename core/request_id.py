"""Request id carried through a request's logs (contextvar, so it survives async)."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
# Accept a caller's id only when it is short and plain, so it cannot inject into logs.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def current() -> str:
    return _request_id.get()


def accept_or_new(incoming: str | None) -> str:
    if incoming and _VALID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def bind(value: str):  # noqa: ANN201 - returns a contextvars.Token
    return _request_id.set(value)


def reset(token) -> None:  # noqa: ANN001
    _request_id.reset(token)


def clear(**kwargs) -> None:
    """``request_finished`` receiver: Django logs a request's 4xx/5xx *after* the
    middleware chain returns, so the id is unbound only when the request is done."""
    _request_id.set("-")
