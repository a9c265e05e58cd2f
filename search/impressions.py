"""Impressions: a profile shown on a results page, counted in Redis on the request
path (one pipeline, no SQL) and moved into ProfileImpressionDaily rows by the
``search.tasks.flush_impressions`` beat task.

Redis layout, all under the cache's KEY_PREFIX so test runs stay apart:

- ``<prefix>:impr:<day>:<city>`` a hash with fields ``<profile>:i`` (impressions),
  ``<profile>:f`` (showings on page 1) and ``<profile>:p`` (sum of positions);
- ``<prefix>:impr:pending`` the set of such hashes that may hold counts.

A flush renames a hash to ``<hash>:flushing`` (atomic: a record that arrives later
starts a fresh hash), adds it to the database in one transaction and deletes it
only after the commit. A worker that dies before the commit leaves the renamed
hash in place and the next flush adds it exactly once. The one window left is a
crash between the database commit and the Redis DEL (see docs/search.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from core.cache import cache_is_down, cache_trip
from search.selectors import SearchResult

logger = logging.getLogger(__name__)

KEY_TTL_SECONDS = 4 * 24 * 3600  # the beat task runs every 5 minutes
LOCK_TTL_SECONDS = 240

# Claim one day-city hash for flushing. A hash already claimed by a flush that
# failed is returned first, so its counts are added before any newer ones; a
# member with nothing left leaves the pending set.
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

# Adds to existing rows: counts from several flushes of one day accumulate.
# Profiles or cities deleted since the impression are skipped (the foreign keys).
_UPSERT_SQL = """
INSERT INTO search_profileimpressiondaily
    (profile_id, city_id, day, impressions, first_page, position_sum)
SELECT r.profile_id, %s, %s, r.impressions, r.first_page, r.position_sum
FROM unnest(%s::int[], %s::int[], %s::int[], %s::bigint[])
    AS r(profile_id, impressions, first_page, position_sum)
WHERE EXISTS (SELECT 1 FROM directory_escortprofilepage p
              WHERE p.page_ptr_id = r.profile_id)
  AND EXISTS (SELECT 1 FROM cms_pages_citypage c WHERE c.page_ptr_id = %s)
ON CONFLICT (profile_id, city_id, day) DO UPDATE SET
    impressions = search_profileimpressiondaily.impressions + EXCLUDED.impressions,
    first_page = search_profileimpressiondaily.first_page + EXCLUDED.first_page,
    position_sum = search_profileimpressiondaily.position_sum
        + EXCLUDED.position_sum
"""


def _redis():  # noqa: ANN202 - redis.Redis, typed loosely by Django
    return cache._cache.get_client(write=True)


def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:impr"


def _pending_key() -> str:
    return f"{_prefix()}:pending"


def _day_key(*, day: dt.date, city_id: int) -> str:
    return f"{_prefix()}:{day.isoformat()}:{city_id}"


def impressions_record(*, city_id: int, profile_ids: list[int], offset: int) -> None:
    """Count one showing of each profile on a results page of ``city_id``;
    ``offset`` is how many results came before this page (0 = the first page), so
    positions are 1-based over the whole result list. Best effort: a Redis outage
    costs the counts, never the page."""
    if not profile_ids or cache_is_down():
        return
    key = _day_key(day=timezone.localdate(), city_id=city_id)
    try:
        pipe = _redis().pipeline(transaction=True)
        for index, profile_id in enumerate(profile_ids):
            pipe.hincrby(key, f"{profile_id}:i", 1)
            if offset == 0:
                pipe.hincrby(key, f"{profile_id}:f", 1)
            pipe.hincrby(key, f"{profile_id}:p", offset + index + 1)
        pipe.expire(key, KEY_TTL_SECONDS)
        pipe.sadd(_pending_key(), key)
        pipe.execute()
    except RedisError:
        cache_trip()  # the rest of the process skips Redis for a moment too
        logger.warning("impressions not recorded", exc_info=True)


@dataclass(frozen=True)
class _Counts:
    impressions: int = 0
    first_page: int = 0
    position_sum: int = 0


def _parse(raw: dict) -> dict[int, _Counts]:
    fields: dict[int, dict[str, int]] = defaultdict(dict)
    for field, value in raw.items():
        profile, kind = field.decode().split(":")
        fields[int(profile)][kind] = int(value)
    return {
        profile: _Counts(c.get("i", 0), c.get("f", 0), c.get("p", 0))
        for profile, c in fields.items()
    }


def _day_and_city(key: str) -> tuple[dt.date, int]:
    day, city = key.rsplit(":", 2)[-2:]
    return dt.date.fromisoformat(day), int(city)


def _apply(*, day: dt.date, city_id: int, counts: dict[int, _Counts]) -> None:
    ids = sorted(counts)
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT_SQL,
            [
                city_id,
                day,
                ids,
                [counts[i].impressions for i in ids],
                [counts[i].first_page for i in ids],
                [counts[i].position_sum for i in ids],
                city_id,
            ],
        )


def _flush_one(client, key: str, claim) -> int:  # noqa: ANN001
    flushing = f"{key}:flushing"
    if not claim(keys=[_pending_key(), key, flushing]):
        return 0
    counts = _parse(client.hgetall(flushing))
    day, city_id = _day_and_city(key)
    with transaction.atomic():
        _apply(day=day, city_id=city_id, counts=counts)
    # After the commit: a failure before it leaves the claimed hash for next time.
    client.delete(flushing)
    return len(counts)


def impressions_flush() -> int:
    """Move every counted impression into daily rows. Safe to run twice or side by
    side: a lock lets one flush run at a time. Returns the rows touched."""
    client = _redis()
    lock_key, token = f"{_prefix()}:flush-lock", uuid.uuid4().hex
    if not client.set(lock_key, token, nx=True, ex=LOCK_TTL_SECONDS):
        return 0
    try:
        claim = client.register_script(_CLAIM_LUA)
        members = sorted(m.decode() for m in client.smembers(_pending_key()))
        return sum(_flush_one(client, key, claim) for key in members)
    finally:
        if client.get(lock_key) == token.encode():
            client.delete(lock_key)


def impressions_record_search(*, city_id: int | None, result: SearchResult) -> None:
    """A search scoped to one city counts as that city's results page."""
    if city_id is not None:
        impressions_record(
            city_id=city_id,
            profile_ids=[doc.profile_id for doc in result.documents],
            offset=result.offset,
        )
