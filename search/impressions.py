"""Impressions: a profile shown on a results page, counted in Redis on the request
path (one pipeline, no SQL) and moved into ProfileImpressionDaily rows by the
``search.tasks.flush_impressions`` beat task.

Redis layout, all under the cache's KEY_PREFIX so test runs stay apart:

- ``<prefix>:impr:<day>:<city>`` a hash with fields ``<profile>:i`` (impressions),
  ``<profile>:f`` (showings on page 1) and ``<profile>:p`` (sum of positions);
- ``<prefix>:impr:pending`` the set of such hashes that may hold counts.

The buffer is core.counters' ``CounterBuffer`` (namespace "impr", so the keys
keep the place they had before it was generalised): a flush renames a hash to
``<hash>:flushing`` (atomic: a record that arrives later starts a fresh hash),
adds it to the database in one transaction and deletes it only after the commit.
A worker that dies before the commit leaves the renamed hash in place and the
next flush adds it exactly once. The one window left is a crash between the
database commit and the Redis DEL (see docs/search.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from core import counters
from core.counters import CounterBuffer
from search.selectors import SearchResult

KEY_TTL_SECONDS = 4 * 24 * 3600  # the beat task runs every 5 minutes
LOCK_TTL_SECONDS = 240

_buffer = CounterBuffer(
    "impr",
    namespace="impr",
    key_ttl_seconds=KEY_TTL_SECONDS,
    lock_ttl_seconds=LOCK_TTL_SECONDS,
)

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


def _redis() -> Any:  # noqa: ANN401 - redis.Redis, typed loosely by Django
    return counters._redis()


def _prefix() -> str:
    return _buffer.prefix


def impressions_record(*, city_id: int, profile_ids: list[int], offset: int) -> None:
    """Count one showing of each profile on a results page of ``city_id``;
    ``offset`` is how many results came before this page (0 = the first page), so
    positions are 1-based over the whole result list. Best effort: a Redis outage
    costs the counts, never the page."""
    if not profile_ids:
        return
    counts: dict[str, int] = defaultdict(int)
    for index, profile_id in enumerate(profile_ids):
        counts[f"{profile_id}:i"] += 1
        if offset == 0:
            counts[f"{profile_id}:f"] += 1
        counts[f"{profile_id}:p"] += offset + index + 1
    _buffer.record(day=timezone.localdate(), group=str(city_id), counts=counts)


@dataclass(frozen=True)
class _Counts:
    impressions: int = 0
    first_page: int = 0
    position_sum: int = 0


def _parse(raw: dict[str, int]) -> dict[int, _Counts]:
    fields: dict[int, dict[str, int]] = defaultdict(dict)
    for field, value in raw.items():
        profile, kind = field.split(":")
        fields[int(profile)][kind] = value
    return {
        profile: _Counts(c.get("i", 0), c.get("f", 0), c.get("p", 0))
        for profile, c in fields.items()
    }


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


def _apply_counts(*, day: dt.date, group: str, counts: dict[str, int]) -> int:
    parsed = _parse(counts)
    # Looked up at call time: tests replace _apply to fail or interleave.
    _apply(day=day, city_id=int(group), counts=parsed)
    return len(parsed)


def impressions_flush() -> int:
    """Move every counted impression into daily rows. Safe to run twice or side by
    side: a lock lets one flush run at a time. Returns the rows touched."""
    return _buffer.flush(apply=_apply_counts)


def impressions_record_search(*, city_id: int | None, result: SearchResult) -> None:
    """A search scoped to one city counts as that city's results page."""
    if city_id is not None:
        impressions_record(
            city_id=city_id,
            profile_ids=[doc.profile_id for doc in result.documents],
            offset=result.offset,
        )
