"""The "available between" filter: each shown profile's bookable start times,
precomputed per city from bookings.availability (the same rules the booking
form uses), so a search filters them in SQL instead of generating slots for
every candidate.

Kept current: for a profile whenever bookings reports a change
(``bookings.signals.availability_changed``) or the indexer writes its row, and
for every profile by a nightly beat task (the horizon moves). Minimum notice is
applied at query time (``now + notice``), so a precomputed start never goes
stale by the clock alone."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from bookings.availability import bookable_slots
from bookings.selectors import policy_for
from directory.models import EscortProfilePage
from search.generation import search_index_changed
from search.models import ProfileAvailability, ProfileSearchDocument

HORIZON_DAYS = 14  # at most; a shorter booking horizon of the provider wins


def epoch_minutes(moment: dt.datetime) -> int:
    return int(moment.timestamp() // 60)


@transaction.atomic
def availability_refresh(
    *, profile_ids: list[int], now: dt.datetime | None = None
) -> int:
    """Recompute the rows of these profiles (only those the index shows)."""
    now = now or timezone.now()
    _lock(profile_ids)
    ProfileAvailability.objects.filter(profile_id__in=profile_ids).delete()
    shown = ProfileSearchDocument.objects.filter(profile_id__in=profile_ids)
    profiles = EscortProfilePage.objects.filter(
        pk__in=shown.values("profile_id")
    ).select_related("home_city")
    rows = [row for profile in profiles for row in _rows_for(profile, now)]
    ProfileAvailability.objects.bulk_create(rows)
    transaction.on_commit(search_index_changed)  # cached counts may differ now
    return len(rows)


def _lock(profile_ids: list[int]) -> None:
    """Two refreshes of one profile (a booking accepted while the indexer runs)
    would both delete and insert its rows: one waits for the other. In id
    order, so two batches never wait for each other in a cycle."""
    with connection.cursor() as cursor:
        for profile_id in sorted(set(profile_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(5142, %s)", [profile_id])


def _rows_for(profile: EscortProfilePage, now: dt.datetime) -> list:
    policy = policy_for(profile=profile)
    days = min(HORIZON_DAYS, policy.max_days_ahead)
    # Local dates: a day either side of the UTC date covers every time zone.
    today = now.date()
    slots = bookable_slots(
        profile=profile,
        date_from=today - dt.timedelta(days=1),
        date_to=today + dt.timedelta(days=days + 1),
        now=now,
    )
    by_city: dict[int, list[int]] = defaultdict(list)
    for slot in slots:
        by_city[slot.city.pk].append(epoch_minutes(slot.start))
    if not slots:
        return []
    # The shortest rate fits wherever any rate does.
    shortest = min(minutes for slot in slots for minutes in slot.durations)
    return [
        ProfileAvailability(
            profile=profile,
            city_id=city_id,
            starts=sorted(starts),
            start_hours=sorted({start // 60 for start in starts}),
            shortest_minutes=shortest,
            notice_minutes=policy.min_notice_minutes,
            computed_at=now,
        )
        for city_id, starts in by_city.items()
    ]


def availability_refresh_all(*, batch_size: int = 200) -> int:
    """Nightly: every shown profile, in short transactions."""
    ids = list(
        ProfileSearchDocument.objects.order_by("profile_id").values_list(
            "profile_id", flat=True
        )
    )
    ProfileAvailability.objects.exclude(profile_id__in=ids).delete()
    done = 0
    for start in range(0, len(ids), batch_size):
        done += availability_refresh(profile_ids=ids[start : start + batch_size])
    return done


# One bookable start s (in the city, when one is given) with the shortest
# booking inside [from, to), and at least the provider's notice from now.
_AVAILABLE_SQL = """
search_profilesearchdocument.profile_id IN (
    SELECT a.profile_id FROM search_profileavailability a
    WHERE a.start_hours && %s::int[]
      AND (%s::int IS NULL OR a.city_id = %s::int)
      AND EXISTS (
        SELECT 1 FROM unnest(a.starts) s
        WHERE s >= %s AND s >= %s + a.notice_minutes AND s + a.shortest_minutes <= %s
      )
)
"""


def available_between(
    *,
    start: dt.datetime,
    end: dt.datetime,
    city_id: int | None,
    now: dt.datetime | None = None,
) -> RawSQL:
    """A filter for ProfileSearchDocument: bookable for at least the shortest
    rate inside [start, end), in ``city_id`` when given (where the provider
    will be then, touring or at home)."""
    now = now or timezone.now()
    low, high = epoch_minutes(start), epoch_minutes(end)
    hours = list(range(low // 60, high // 60 + 1))
    return RawSQL(  # noqa: S611 - constant SQL, values bound as params
        _AVAILABLE_SQL,
        [hours, city_id, city_id, low, epoch_minutes(now), high],
        output_field=BooleanField(),
    )


def profiles_available_today(
    *, profile_ids: list[int], now: dt.datetime | None = None
) -> set[int]:
    """Which of these profiles can still be booked today, "today" being the day in
    the city where each will be (home or touring): a precomputed start between
    now plus the provider's notice and that city's midnight. One query, for the
    cards' "Available today" badge."""
    now = now or timezone.now()
    rows = ProfileAvailability.objects.filter(profile_id__in=profile_ids).values_list(
        "profile_id", "starts", "notice_minutes", "city__time_zone"
    )
    available = set()
    for profile_id, starts, notice, zone in rows:
        local = now.astimezone(ZoneInfo(zone))
        midnight = dt.datetime.combine(
            local.date() + dt.timedelta(days=1), dt.time(), tzinfo=local.tzinfo
        )
        low, high = epoch_minutes(now) + notice, epoch_minutes(midnight)
        if any(low <= start < high for start in starts):
            available.add(profile_id)
    return available
