"""The one way to read a feature switch (``core.models.FeatureSwitches``).

Every process (web, ASGI, Celery) reads one snapshot of the row from the Django
cache, so a change in the admin takes effect at the next request everywhere,
without a restart:

- the snapshot lives under ``SNAPSHOT_KEY`` (its version is part of the key, so
  a deploy that adds a switch never reads an older snapshot without it);
- saving the row *writes* the new snapshot after commit (``snapshot_refresh``).
  Readers only ``add`` on a miss, so a reader that loaded the old row just
  before the save cannot overwrite the new snapshot with it;
- within one request the snapshot is memoised (``request_started`` opens the
  memo, ``request_finished`` drops it): one cache read per request, and one
  request never sees two values of a switch. Outside a request (tasks, shell)
  every call reads the cache;
- when Redis is down the fail-open cache answers a miss and the row is read
  from PostgreSQL: slower, never a 500.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.db import transaction

from core.cache import REDIS_DOWN

SWITCHES = (
    "reviews",
    "deposits",
    "signup_client",
    "signup_provider",
    "signup_agency",
    "maintenance_mode",
)
# Bump when SWITCHES or the snapshot's shape change.
SNAPSHOT_KEY = "core:feature-switches:v1"
# A bound, not the mechanism: saves refresh the snapshot at once. It matters only
# for a save made while Redis was down (its refresh was skipped): the old snapshot
# then lasts at most this long. One query per five minutes per install.
SNAPSHOT_TIMEOUT = 300

_memo: ContextVar[dict[str, Any] | None] = ContextVar("feature_switches", default=None)


class UnknownSwitch(LookupError):
    """A switch name that does not exist: a typo must fail loudly, not read as off."""


def switch_enabled(name: str) -> bool:
    if name not in SWITCHES:
        raise UnknownSwitch(name)
    return bool(_snapshot()[name])


def maintenance_message() -> str:
    """The admin's text for the maintenance page ("" for the standard one)."""
    return _snapshot()["maintenance_message"]


def _snapshot() -> dict[str, Any]:
    memo = _memo.get()
    if memo is not None and "snapshot" in memo:
        return memo["snapshot"]
    snapshot = _cache_get()
    if snapshot is None:
        snapshot = _from_database()
        _cache_call(cache.add, SNAPSHOT_KEY, snapshot, SNAPSHOT_TIMEOUT)
    if memo is not None:
        memo["snapshot"] = snapshot
    return snapshot


def _from_database() -> dict[str, Any]:
    from core.models import FeatureSwitches

    return _snapshot_of(FeatureSwitches.objects.order_by("pk").first())


def _snapshot_of(row: Any) -> dict[str, Any]:  # noqa: ANN401 - FeatureSwitches | None
    from core.models import FeatureSwitches

    row = row or FeatureSwitches()  # no row saved yet: the fields' defaults
    snapshot = {name: getattr(row, name) for name in SWITCHES}
    snapshot["maintenance_message"] = row.maintenance_message
    return snapshot


def snapshot_seed_defaults() -> None:
    """Cache the defaults' snapshot without reading the database: for a store
    known to have no row yet (the test suite's fresh database after each cache
    flush, so a page's query count does not depend on what ran before)."""
    _cache_call(cache.set, SNAPSHOT_KEY, _snapshot_of(None), SNAPSHOT_TIMEOUT)


def _cache_get() -> dict[str, Any] | None:
    value = _cache_call(cache.get, SNAPSHOT_KEY)
    return value if isinstance(value, dict) else None


def _cache_call(method: Any, *args: Any) -> Any:
    # The project's cache fails open already; this also covers a plain Redis
    # backend configured without it.
    try:
        return method(*args)
    except REDIS_DOWN:
        return None


def snapshot_refresh(**kwargs: Any) -> None:
    """post_save of FeatureSwitches: write the new snapshot once committed."""
    transaction.on_commit(
        lambda: _cache_call(cache.set, SNAPSHOT_KEY, _from_database(), SNAPSHOT_TIMEOUT)
    )


def memo_open(**kwargs: Any) -> None:
    """request_started: this request reads the snapshot once."""
    _memo.set({})


def memo_close(**kwargs: Any) -> None:
    """request_finished: the next request reads the cache again."""
    _memo.set(None)
