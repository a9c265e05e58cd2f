"""The flush (docs/analytics.md, "Flush and failure"): the request path's Redis
counters into ProfileDay (views, gallery opens, contact clicks: ADDED, never
the rollup's columns) and UserActiveDay (a row per account and day). Both run
inside core.counters' transaction per buffered hash, so a failure keeps the hash
for the next flush and nothing is lost or counted twice."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection

from accounts.models import User
from analytics.models import ProfileDay, UserActiveDay
from analytics.recording import FIELDS, EventKind, active_users, profile_events
from directory.models import EscortProfilePage

# Adds to existing rows: several flushes of one day accumulate. Profiles deleted
# since are skipped; the rollup columns keep their defaults or their values.
_PROFILE_UPSERT = """
INSERT INTO {table} (profile_id, day, views, gallery_opens, contact_clicks,
    conversations, booking_requests, bookings_confirmed, bookings_completed,
    replies, reply_seconds, earnings_minor, currency)
SELECT r.profile_id, %s, r.views, r.gallery_opens, r.contact_clicks,
    0, 0, 0, 0, 0, 0, 0, ''
FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])
    AS r(profile_id, views, gallery_opens, contact_clicks)
WHERE EXISTS (SELECT 1 FROM {profiles} p WHERE p.page_ptr_id = r.profile_id)
ON CONFLICT (profile_id, day) DO UPDATE SET
    views = {table}.views + EXCLUDED.views,
    gallery_opens = {table}.gallery_opens + EXCLUDED.gallery_opens,
    contact_clicks = {table}.contact_clicks + EXCLUDED.contact_clicks
"""

_ACTIVE_INSERT = """
INSERT INTO {table} (user_id, day)
SELECT u.id, %s FROM {users} u WHERE u.id = ANY(%s::bigint[])
ON CONFLICT (user_id, day) DO NOTHING
"""


def _profile_counts(counts: dict[str, int]) -> dict[int, dict[str, int]]:
    """Fields ``<profile id>:<kind>`` -> {profile id: {column: count}}; a field
    of an unknown kind (an older release's) is ignored."""
    rows: dict[int, dict[str, int]] = defaultdict(dict)
    for field, value in counts.items():
        profile, _, kind = field.partition(":")
        if kind in EventKind.values and profile.isdigit():
            rows[int(profile)][FIELDS[EventKind(kind)]] = value
    return rows


def profile_counts_apply(*, day: dt.date, group: str, counts: dict[str, int]) -> None:
    rows = _profile_counts(counts)
    ids = sorted(rows)
    sql = _PROFILE_UPSERT.format(
        table=ProfileDay._meta.db_table, profiles=EscortProfilePage._meta.db_table
    )
    columns = [[rows[i].get(column, 0) for i in ids] for column in FIELDS.values()]
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, ids, *columns])


def active_users_apply(*, day: dt.date, group: str, counts: dict[str, int]) -> None:
    ids = sorted(int(user_id) for user_id in counts if user_id.isdigit())
    sql = _ACTIVE_INSERT.format(
        table=UserActiveDay._meta.db_table, users=User._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, ids])


def profile_events_flush() -> int:
    """Every buffered count into the database; returns the fields applied."""
    return profile_events.flush(apply=profile_counts_apply) + active_users.flush(
        apply=active_users_apply
    )
