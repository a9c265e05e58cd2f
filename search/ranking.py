"""The "recommended" order: VIP band first, then a per-visitor, per-day rotation
with a small bounded boost for recent activity. No paid bumps. The exact formula is
in docs/ranking.md; keep the two in step."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

ROTATION_SPAN = 2**28  # the hash's top 28 bits: -2^27 .. 2^27-1
ACTIVITY_BOOST = ROTATION_SPAN // 8  # at most 1/8 of the rotation range
ACTIVE_WINDOW = dt.timedelta(hours=24)

# Lower score = earlier. PostgreSQL's seeded 64-bit integer hash (the one hash
# partitioning relies on, so stable across versions) of the profile id, cut to
# its top 28 bits, minus the boost. An integer hash, not md5 of a string: at
# 100k rows the md5 version cost 110 ms of CPU per broad query, this one ~35 ms.
_SCORE_SQL = (
    "(hashint8extended(search_profilesearchdocument.profile_id::int8, %s) >> 36)"
    " - CASE WHEN search_profilesearchdocument.last_active_at >= %s "
    "THEN %s ELSE 0 END"
)


def seed_number(seed: str) -> int:
    """The visitor's seed as the hash's 63-bit (non-negative) int8 argument."""
    return int(hashlib.sha256(seed.encode()).hexdigest()[:15], 16)


def activity_cutoff(*, seed: str) -> dt.datetime:
    """Measured from the start of today, not from now, so the boost (and with it
    the key) stays fixed for a (seed, day) while a visitor pages."""
    today = timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return midnight - ACTIVE_WINDOW


def with_recommended_score(docs: QuerySet, *, seed: str) -> QuerySet:
    return docs.annotate(
        rank_score=RawSQL(  # noqa: S611 - constant SQL, values bound as params
            _SCORE_SQL,
            [seed_number(seed), activity_cutoff(seed=seed), ACTIVITY_BOOST],
            output_field=IntegerField(),
        )
    )


RECOMMENDED_KEYS = [("is_vip", True), ("rank_score", False), ("profile_id", False)]


def band(*, is_vip: bool) -> str:
    return "vip" if is_vip else "standard"
