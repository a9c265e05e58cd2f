"""Counters buffered in Redis and flushed into PostgreSQL by a task: the
request path pays one Redis round trip and no SQL, the database gets one
transaction per (day, group) every few minutes.

A ``CounterBuffer`` is named (``impr``, ``profile-events`` …); its Redis layout,
under the cache's KEY_PREFIX so test runs stay apart:

- ``<prefix>:ctr:<name>:<day>:<group>`` a hash of field -> count;
- ``<prefix>:ctr:<name>:pending`` the set of such hashes that may hold counts;
- ``<prefix>:ctr:<name>:flush-lock`` held by the one flush that runs.

A flush renames a hash to ``<hash>:flushing`` (atomic, in Lua: a record that
arrives later starts a fresh hash), hands the counts to ``apply`` inside one
database transaction and deletes the renamed hash only after the commit. A flush
that fails (or a worker that dies) before the commit leaves the renamed hash in
place, and the next flush applies it first, exactly once. The one window left is
a crash between the commit and the DEL, which would count that hash twice.

Recording is best effort: a Redis outage costs the counts, never the request
(``core.cache``'s breaker is tripped so the rest of the process skips Redis too).
No domain here: callers decide what the groups, fields and ``apply`` mean.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from core.cache import cache_is_down, cache_trip

logger = logging.getLogger(__name__)

DEFAULT_KEY_TTL_SECONDS = 4 * 24 * 3600  # flushes run every few minutes
DEFAULT_LOCK_TTL_SECONDS = 240  # below the task's soft time limit

# KEYS: pending set, hash, once-set ("" for none). ARGV: hash TTL, once member,
# once TTL, then field/amount pairs. With a once-set the counts are added only
# when the member is new to it (a visitor counted once a day): one round trip,
# and no window between "is it new?" and "count it".
_RECORD_LUA = """
if KEYS[3] ~= '' then
    if redis.call('SADD', KEYS[3], ARGV[2]) == 0 then
        return 0
    end
    redis.call('EXPIRE', KEYS[3], tonumber(ARGV[3]))
end
for i = 4, #ARGV, 2 do
    redis.call('HINCRBY', KEYS[2], ARGV[i], tonumber(ARGV[i + 1]))
end
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[1]))
redis.call('SADD', KEYS[1], KEYS[2])
return 1
"""

# Claim one hash for flushing. A hash already claimed by a flush that failed is
# returned first, so its counts are applied before any newer ones; a member
# with nothing left leaves the pending set.
_CLAIM_LUA = """
local claimed = redis.call('EXISTS', KEYS[3])
if claimed == 0 and redis.call('EXISTS', KEYS[2]) == 1 then
    redis.call('RENAME', KEYS[2], KEYS[3])
    claimed = 1
end
if claimed == 0 then
    redis.call('SREM', KEYS[1], KEYS[2])
end
return claimed
"""


class Apply(Protocol):
    """Writes one claimed hash; runs inside the flush's database transaction."""

    def __call__(
        self, *, day: dt.date, group: str, counts: dict[str, int]
    ) -> int | None: ...


def _redis() -> Any:  # noqa: ANN401 - redis.Redis, typed loosely by Django
    return cache._cache.get_client(write=True)


class CounterBuffer:
    def __init__(
        self,
        name: str,
        *,
        namespace: str = "",
        key_ttl_seconds: int = DEFAULT_KEY_TTL_SECONDS,
        lock_ttl_seconds: int = DEFAULT_LOCK_TTL_SECONDS,
    ) -> None:
        self.name = name
        # Where the keys live under KEY_PREFIX (default ``ctr:<name>``); a buffer
        # that took over older keys keeps their place (search impressions: "impr").
        self.namespace = namespace or f"ctr:{name}"
        self.key_ttl_seconds = key_ttl_seconds
        self.lock_ttl_seconds = lock_ttl_seconds

    # --- keys ------------------------------------------------------------------

    @property
    def prefix(self) -> str:
        return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{self.namespace}"

    @property
    def pending_key(self) -> str:
        return f"{self.prefix}:pending"

    @property
    def lock_key(self) -> str:
        return f"{self.prefix}:flush-lock"

    def key(self, *, day: dt.date, group: str) -> str:
        if ":" in group or not group:
            raise ValueError("A group is a non-empty name without ':'.")
        return f"{self.prefix}:{day.isoformat()}:{group}"

    @staticmethod
    def _day_and_group(key: str) -> tuple[dt.date, str]:
        day, group = key.rsplit(":", 2)[-2:]
        return dt.date.fromisoformat(day), group

    # --- request path ----------------------------------------------------------

    def record(
        self,
        *,
        day: dt.date,
        group: str,
        counts: Mapping[str, int],
        once_key: str = "",
        once_member: str = "",
        once_ttl_seconds: int = 0,
    ) -> bool:
        """Add ``counts`` to the (day, group) hash in one round trip. With
        ``once_key`` (a Redis set the caller names), only if ``once_member`` is
        new to that set, which then lives ``once_ttl_seconds``. True when counted;
        False when a repeat or when Redis is down (best effort, never raises)."""
        if not counts or cache_is_down():
            return False
        args: list[Any] = [self.key_ttl_seconds, once_member, once_ttl_seconds]
        for field, amount in counts.items():
            args += [field, int(amount)]
        keys = [self.pending_key, self.key(day=day, group=group), once_key]
        try:
            return bool(_redis().register_script(_RECORD_LUA)(keys=keys, args=args))
        except (RedisError, OSError):
            cache_trip()  # the rest of the process skips Redis for a moment too
            logger.warning("counters %s not recorded", self.name, exc_info=True)
            return False

    # --- flush -----------------------------------------------------------------

    def flush(self, *, apply: Apply | Callable[..., int | None]) -> int:
        """Apply every buffered hash, one database transaction each. Safe to run
        twice or side by side (a lock lets one flush run at a time; the other
        returns 0). Returns the sum of what ``apply`` returned (e.g. rows
        written), or of the fields applied where it returns None. An exception
        from ``apply`` propagates and leaves that hash for the next flush."""
        client = _redis()
        token = uuid.uuid4().hex
        if not client.set(self.lock_key, token, nx=True, ex=self.lock_ttl_seconds):
            return 0
        try:
            claim = client.register_script(_CLAIM_LUA)
            members = sorted(m.decode() for m in client.smembers(self.pending_key))
            return sum(self._flush_one(client, claim, key, apply) for key in members)
        finally:
            if client.get(self.lock_key) == token.encode():
                client.delete(self.lock_key)

    def _flush_one(self, client: Any, claim: Any, key: str, apply: Apply) -> int:  # noqa: ANN401
        flushing = f"{key}:flushing"
        if not claim(keys=[self.pending_key, key, flushing]):
            return 0
        counts = {
            field.decode(): int(value)
            for field, value in client.hgetall(flushing).items()
        }
        day, group = self._day_and_group(key)
        applied = None
        if counts:
            with transaction.atomic():
                applied = apply(day=day, group=group, counts=counts)
        # After the commit: a failure before it leaves the claimed hash for next time.
        client.delete(flushing)
        return len(counts) if applied is None else applied
