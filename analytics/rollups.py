"""The daily rollup (docs/analytics.md, "Rollup definitions"): ProfileDay's
database facts recomputed for one site-local day from the records PostgreSQL
already keeps, in one set-based statement (no per-profile loop). It SETS the
rollup columns, so a rerun, a late run or an overlap gives the same numbers; it
never touches the counted columns (views, gallery opens, contact clicks).

A "day" is a date in the site's zone (``settings.TIME_ZONE``, what
``timezone.localdate()`` answers): the rows whose timestamptz falls in
[local midnight, next local midnight). Both bounds are made with zoneinfo in
Python, so a 23- or 25-hour day at a DST change is measured as it was, and the
filters stay plain range scans on the indexed ``created_at`` columns.

Per profile and day:

- conversations: threads created that day;
- booking_requests: bookings created that day;
- bookings_confirmed / bookings_completed: bookings with a history event moving
  them to confirmed / completed that day (each booking once per day);
- replies / reply_seconds: replies sent that day and the sum of their response
  times. Automatic messages (away auto-replies) are left out altogether: they
  neither answer nor end a wait. A reply is a message from the provider side
  (anyone but the thread's client: messaging lets only the provider side
  write there) whose previous message in the thread is the client's; its
  response time runs from the first client message since the provider side
  last wrote (the start of the wait) to the reply. Follow-ups by the provider
  are not replies; a client's second message does not restart the clock;
- earnings_minor / currency: deposits released to the provider that day
  (ledger ``deposit_released``: what ``provider_payable:<owner>`` was
  credited, bookings.deposits / payments). A profile with releases in two
  currencies on one day keeps the larger sum's currency (rare; documented).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from analytics.models import ProfileDay
from bookings.models import Booking, BookingEvent
from directory.models import EscortProfilePage
from messaging.models import Message, Thread
from payments import ledger
from payments.models import LedgerEntry, LedgerTransaction, Payment

ROLLUP_FIELDS = (
    "conversations",
    "booking_requests",
    "bookings_confirmed",
    "bookings_completed",
    "replies",
    "reply_seconds",
    "earnings_minor",
    "currency",
)

_FACTS = """
WITH
conv AS (
    SELECT profile_id, count(*) AS n FROM {thread}
    WHERE created_at >= %(start)s AND created_at < %(end)s GROUP BY profile_id
),
req AS (
    SELECT profile_id, count(*) AS n FROM {booking}
    WHERE created_at >= %(start)s AND created_at < %(end)s GROUP BY profile_id
),
moved AS (
    SELECT b.profile_id,
        count(DISTINCT e.booking_id) FILTER (WHERE e.to_status = %(confirmed)s)
            AS confirmed,
        count(DISTINCT e.booking_id) FILTER (WHERE e.to_status = %(completed)s)
            AS completed
    FROM {event} e JOIN {booking} b ON b.id = e.booking_id
    WHERE e.created_at >= %(start)s AND e.created_at < %(end)s
      AND e.to_status IN (%(confirmed)s, %(completed)s)
    GROUP BY b.profile_id
),
answered AS (  -- threads with a possible reply that day
    SELECT DISTINCT m.thread_id FROM {message} m JOIN {thread} t ON t.id = m.thread_id
    WHERE m.created_at >= %(start)s AND m.created_at < %(end)s
      AND NOT m.automatic AND m.sender_id <> t.client_id
),
said AS (
    SELECT m.thread_id, t.profile_id, m.created_at,
        m.sender_id = t.client_id AS by_client,
        lag(m.sender_id = t.client_id) OVER w AS after_client,
        -- how many provider messages so far: a wait shares the number of the
        -- provider message before it, its reply has that number + 1
        count(*) FILTER (WHERE m.sender_id <> t.client_id) OVER w AS provider_seen
    FROM {message} m JOIN {thread} t ON t.id = m.thread_id
    WHERE m.thread_id IN (SELECT thread_id FROM answered)
      AND m.created_at < %(end)s AND NOT m.automatic
    WINDOW w AS (PARTITION BY m.thread_id ORDER BY m.id)
),
waits AS (
    SELECT thread_id, provider_seen, min(created_at) AS asked_at
    FROM said WHERE by_client GROUP BY thread_id, provider_seen
),
replied AS (
    SELECT r.profile_id, count(*) AS n,
        sum(greatest(0, floor(extract(epoch FROM r.created_at - w.asked_at))))
            AS seconds
    FROM said r JOIN waits w
      ON w.thread_id = r.thread_id AND w.provider_seen = r.provider_seen - 1
    WHERE NOT r.by_client AND r.after_client AND r.created_at >= %(start)s
    GROUP BY r.profile_id
),
released AS (
    SELECT b.profile_id, le.currency, -sum(le.amount_minor) AS amount
    FROM {ledger_tx} lt
    JOIN {ledger_entry} le ON le.transaction_id = lt.id
      AND le.account LIKE %(payable)s
    JOIN {payment} p ON lt.cause_type = %(payment_type)s AND lt.cause_id = p.id::text
    JOIN {booking} b ON p.reference_type = %(booking_type)s
      AND p.reference_id = b.id::text
    WHERE lt.kind = %(released_kind)s
      AND lt.created_at >= %(start)s AND lt.created_at < %(end)s
    GROUP BY b.profile_id, le.currency
),
earned AS (
    SELECT DISTINCT ON (profile_id) profile_id, currency, amount
    FROM released ORDER BY profile_id, amount DESC, currency
),
active AS (
    SELECT profile_id FROM conv UNION SELECT profile_id FROM req
    UNION SELECT profile_id FROM moved UNION SELECT profile_id FROM replied
    UNION SELECT profile_id FROM earned
),
facts AS (
    SELECT a.profile_id,
        coalesce(conv.n, 0) AS conversations, coalesce(req.n, 0) AS booking_requests,
        coalesce(moved.confirmed, 0) AS bookings_confirmed,
        coalesce(moved.completed, 0) AS bookings_completed,
        coalesce(replied.n, 0) AS replies,
        coalesce(replied.seconds, 0) AS reply_seconds,
        coalesce(earned.amount, 0) AS earnings_minor,
        coalesce(earned.currency, '') AS currency
    FROM active a
    LEFT JOIN conv ON conv.profile_id = a.profile_id
    LEFT JOIN req ON req.profile_id = a.profile_id
    LEFT JOIN moved ON moved.profile_id = a.profile_id
    LEFT JOIN replied ON replied.profile_id = a.profile_id
    LEFT JOIN earned ON earned.profile_id = a.profile_id
    WHERE EXISTS (SELECT 1 FROM {profile} p WHERE p.page_ptr_id = a.profile_id)
),
upserted AS (
    INSERT INTO {day_table} (profile_id, day, views, gallery_opens, contact_clicks,
        conversations, booking_requests, bookings_confirmed, bookings_completed,
        replies, reply_seconds, earnings_minor, currency)
    SELECT profile_id, %(day)s, 0, 0, 0, conversations, booking_requests,
        bookings_confirmed, bookings_completed, replies, reply_seconds,
        earnings_minor, currency
    FROM facts
    ON CONFLICT (profile_id, day) DO UPDATE SET {set_excluded}
    RETURNING 1
),
cleared AS (  -- a day's figures that no longer have records behind them
    UPDATE {day_table} d SET {set_zero}
    WHERE d.day = %(day)s
      AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.profile_id = d.profile_id)
      AND (d.conversations, d.booking_requests, d.bookings_confirmed,
           d.bookings_completed, d.replies, d.reply_seconds, d.earnings_minor,
           d.currency) <> (0, 0, 0, 0, 0, 0, 0, '')
    RETURNING 1
)
SELECT (SELECT count(*) FROM upserted), (SELECT count(*) FROM cleared)
"""


def _sql() -> str:
    zero = {field: "''" if field == "currency" else "0" for field in ROLLUP_FIELDS}
    return _FACTS.format(
        thread=Thread._meta.db_table,
        message=Message._meta.db_table,
        booking=Booking._meta.db_table,
        event=BookingEvent._meta.db_table,
        ledger_tx=LedgerTransaction._meta.db_table,
        ledger_entry=LedgerEntry._meta.db_table,
        payment=Payment._meta.db_table,
        profile=EscortProfilePage._meta.db_table,
        day_table=ProfileDay._meta.db_table,
        set_excluded=", ".join(f"{f} = EXCLUDED.{f}" for f in ROLLUP_FIELDS),
        set_zero=", ".join(f"{f} = {value}" for f, value in zero.items()),
    )


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of ``day`` in the site's zone, in UTC (Python subtracts two
    times of one zone by the wall clock; in UTC a DST day measures 23 or 25 h)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


@transaction.atomic
def profile_days_rollup(*, day: dt.date) -> int:
    """Recompute ``day``'s database facts for every profile; returns the rows
    set (upserted or cleared)."""
    start, end = local_day_bounds(day)
    params = {
        "day": day,
        "start": start,
        "end": end,
        "confirmed": Booking.Status.CONFIRMED.value,
        "completed": Booking.Status.COMPLETED.value,
        "payable": ledger.provider_payable(0).removesuffix("0") + "%",
        "payment_type": Payment._meta.label_lower,
        "booking_type": Booking._meta.label_lower,
        "released_kind": LedgerTransaction.Kind.DEPOSIT_RELEASED.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        upserted, cleared = cursor.fetchone()
    return upserted + cleared
