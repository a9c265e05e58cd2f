"""Read scale-out (docs/operations.md, "Read replica"): public search and listing
reads go to a streaming replica when ``DATABASE_REPLICA_URL`` is set; everything
else stays on the primary.

Who reads from the replica is decided per request, not per model: a page or
endpoint that lists public profiles calls ``replica_reads_for(request)``, and the
rule of when that is safe lives here, once:

- only safe methods (GET, HEAD) of visitors who are not signed in, who have no
  writes of their own to read back (a signed-in user who just saved a favourite
  or a booking sees it at once, from the primary);
- never inside a transaction: a write earlier in the same atomic block must be
  visible to the reads that follow it;
- never for the apps whose reads decide money, bookings, access or moderation,
  even if a listing touches them (``PRIMARY_ONLY_APPS``).

``ReplicaReadsMiddleware`` starts every request on the primary and clears the
choice when the response is complete, so a template rendered after the view
(Wagtail's TemplateResponse) still reads where the view chose. Written by hand:
Django's routers are per model, and no maintained package decides per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
# Replication lag must never reach these: their reads guard writes (a slot, a
# payment, a sanction, a session) or are read back right after one.
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "audit",
        "bookings",
        "messaging",
        "moderation",
        "payments",
        "subscriptions",
        "verification",
        "sessions",
        "usersessions",
        "mfa",
        "account",
        "auth",
        "notifications",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD"})

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_alias() -> str | None:
    """The replica's alias when one is configured (``DATABASE_REPLICA_ALIAS``)."""
    alias = getattr(settings, "DATABASE_REPLICA_ALIAS", None)
    return alias if alias and alias in settings.DATABASES else None


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block may go to the replica (the router still applies
    ``PRIMARY_ONLY_APPS`` and the transaction rule)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads_for(request: HttpRequest) -> bool:
    """A public listing's request reads from the replica from here to the end of
    its response, if the rule above allows it. Returns whether it does."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    allowed = request.method in SAFE_METHODS and not signed_in
    if allowed and replica_alias() is not None:
        _replica_reads.set(True)
        return True
    return False


class ReadReplicaRouter:
    """Django's database router: writes and migrations always on the primary;
    reads on the replica only while ``replica_reads`` is on."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        alias = replica_alias()
        if alias is None or not _replica_reads.get():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return alias

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(
        self, obj1: models.Model, obj2: models.Model, **hints: Any
    ) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Each request starts on the primary; the choice ends with its response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _replica_reads.set(False)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)
