"""The "recommended" order: VIP band first, then a per-visitor, per-day rotation
with a small bounded boost for recent activity. No paid bumps. The exact formula is
in docs/ranking.md; keep the two in step."""

from __future__ import annotations

import datetime as dt

from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

ROTATION_SPAN = 2**28  # the first 7 hex digits of the md5
ACTIVITY_BOOST = ROTATION_SPAN // 8  # at most 1/8 of the rotation range
ACTIVE_WINDOW = dt.timedelta(hours=24)

# Lower score = earlier. md5 of "<profile id><seed>" as an integer, minus the boost.
_SCORE_SQL = (
    "('x' || substr(md5(search_profilesearchdocument.profile_id::text || %s), 1, 7))"
    "::bit(28)::int - CASE WHEN search_profilesearchdocument.last_active_at >= %s "
    "THEN %s ELSE 0 END"
)


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
            [seed, activity_cutoff(seed=seed), ACTIVITY_BOOST],
            output_field=IntegerField(),
        )
    )


RECOMMENDED_KEYS = [("is_vip", True), ("rank_score", False), ("profile_id", False)]


def band(*, is_vip: bool) -> str:
    return "vip" if is_vip else "standard"
