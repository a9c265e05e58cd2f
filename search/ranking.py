"""The "recommended" order: VIP band first, then a daily shuffle with a small
bounded boost for recent activity. No paid bumps. The exact formula is in
docs/ranking.md; keep the two in step.

The shuffle is stored, not computed per query: every row keeps one key per
*lane* (``rotation_keys``, recomputed each day and whenever the row is
re-indexed), and each lane has a btree index in the order pages are read. A
visitor's seed (session and day) picks a lane, so a page is an index walk that
stops after page_size rows, whatever the number of matches. Hashing every
matching row per query cost 40-90 ms at 100k profiles."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import connection
from django.db.models import BooleanField, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

LANES = 8  # indexes search_doc_lane_1 .. _8 (migrations/0005)
ROTATION_SPAN = 2**28  # the hash's top 28 bits: -2^27 .. 2^27-1
ACTIVITY_BOOST = ROTATION_SPAN // 8  # at most 1/8 of the rotation range
ACTIVE_WINDOW = dt.timedelta(hours=24)

_DOC = "search_profilesearchdocument"
# PostgreSQL's seeded 64-bit integer hash (the one hash partitioning relies on,
# so stable across versions) of the profile id, cut to its top 28 bits, minus
# the boost. Lower = earlier.
_LANE_KEY_SQL = (
    "(hashint8extended(profile_id::int8, %s) >> 36)"
    " - CASE WHEN last_active_at >= %s THEN %s ELSE 0 END"
)
# Built from the constants above only; every value is a bound parameter.
_ROTATE_SQL = (
    "UPDATE search_profilesearchdocument SET rotation_day = %s, rotation_keys = "  # noqa: S608
    "ARRAY[" + ", ".join([_LANE_KEY_SQL] * LANES) + "] WHERE profile_id = ANY(%s)"
)


def seed_number(seed: str) -> int:
    """A seed string as the hash's 63-bit (non-negative) int8 argument."""
    return int(hashlib.sha256(seed.encode()).hexdigest()[:15], 16)


def lane_of(seed: str) -> int:
    """The visitor's lane, 1-based like PostgreSQL arrays."""
    return seed_number(seed) % LANES + 1


def activity_cutoff(day: dt.date) -> dt.datetime:
    """Measured from the start of the day, not from now, so a day's keys are
    fixed once computed; the boost fades with the next day's keys."""
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return midnight - ACTIVE_WINDOW


def rotation_refresh(*, profile_ids: list[int], day: dt.date | None = None) -> int:
    """(Re)compute the rows' lane keys for ``day`` (today by default)."""
    day = day or timezone.localdate()
    cutoff = activity_cutoff(day)
    params: list = [day]
    for lane in range(LANES):
        params += [
            seed_number(f"{day.isoformat()}:lane:{lane}"),
            cutoff,
            ACTIVITY_BOOST,
        ]
    with connection.cursor() as cursor:
        cursor.execute(_ROTATE_SQL, [*params, list(profile_ids)])
        return cursor.rowcount


def rotation_refresh_due(*, batch_size: int = 2000) -> int:
    """Daily: re-key every row not yet keyed for today, in short batches."""
    from search.models import ProfileSearchDocument

    today = timezone.localdate()
    done = 0
    while True:
        ids = list(
            ProfileSearchDocument.objects.exclude(rotation_day=today)
            .order_by("profile_id")
            .values_list("profile_id", flat=True)[:batch_size]
        )
        if not ids:
            return done
        done += rotation_refresh(profile_ids=ids, day=today)


def with_recommended_key(docs: QuerySet, *, seed: str) -> QuerySet:
    """Annotate the key columns in the exact form of the lane's index:
    ``(NOT is_vip), rotation_keys[lane], profile_id``, all ascending (VIP rows
    have NOT is_vip = false, so they come first)."""
    lane = lane_of(seed)
    return docs.annotate(
        band_rank=RawSQL(f"NOT {_DOC}.is_vip", [], output_field=BooleanField()),  # noqa: S611
        lane_key=RawSQL(  # noqa: S611 - the lane is an int we computed
            f"{_DOC}.rotation_keys[{lane:d}]", [], output_field=IntegerField()
        ),
    )


def recommended_after(docs: QuerySet, *, seed: str, values: list) -> QuerySet:
    """Rows after the cursor as one row comparison, which PostgreSQL turns into
    an index range (an OR of per-column steps would be a filter on every row
    walked from the start)."""
    lane = lane_of(seed)
    band_rank, lane_key, profile_id = values
    return docs.filter(
        RawSQL(  # noqa: S611 - the lane is an int; the values are bound
            f"(NOT {_DOC}.is_vip, {_DOC}.rotation_keys[{lane:d}], {_DOC}.profile_id)"
            " > (%s, %s, %s)",
            [bool(band_rank), int(lane_key), int(profile_id)],
            output_field=BooleanField(),
        )
    )


RECOMMENDED_KEYS = [("band_rank", False), ("lane_key", False), ("profile_id", False)]


def band(*, is_vip: bool) -> str:
    return "vip" if is_vip else "standard"
