"""The rollup (docs/analytics.md, "Rollup definitions") on a scripted day of
threads, messages (an away auto-reply among them), bookings and their events,
and a released deposit: exact figures, the same again on a rerun, the counted
columns untouched, and days cut at the site's local midnight across DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role
from analytics.models import ProfileDay
from analytics.rollups import local_day_bounds, profile_days_rollup
from analytics.tasks import rollup_profile_days
from bookings.models import Booking, BookingEvent
from messaging.models import Message, Thread
from payments.models import Payment
from payments.services import deposit_release
from tests.factories import UserFactory
from tests.factories.bookings import past_booking
from tests.factories.pages import make_profile
from tests.factories.search import live_city

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DAY = dt.date(2026, 5, 12)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=UTC)


@pytest.fixture
def profile():
    city = live_city("Prague", slug="prague-rollup")
    return make_profile("Irena", city=city, slug="irena-rollup")


def thread(profile, client, when: dt.datetime) -> Thread:  # noqa: ANN001
    made = Thread.objects.create(client=client, profile=profile)
    Thread.objects.filter(pk=made.pk).update(created_at=when)
    return made


def say(thread: Thread, sender, when: dt.datetime, *, automatic: bool = False) -> None:  # noqa: ANN001
    message = Message.objects.create(
        thread=thread, sender=sender, body_encrypted="-", automatic=automatic
    )
    Message.objects.filter(pk=message.pk).update(created_at=when)


def moved(booking: Booking, to_status: str, when: dt.datetime) -> None:
    event = BookingEvent.objects.create(booking=booking, to_status=to_status)
    BookingEvent.objects.filter(pk=event.pk).update(created_at=when)


def made(booking: Booking, when: dt.datetime) -> Booking:
    Booking.objects.filter(pk=booking.pk).update(created_at=when)
    return booking


def facts(profile, day: dt.date = DAY) -> dict:  # noqa: ANN001
    return (
        ProfileDay.objects.filter(profile=profile, day=day)
        .values(
            "conversations",
            "booking_requests",
            "bookings_confirmed",
            "bookings_completed",
            "replies",
            "reply_seconds",
            "earnings_minor",
            "currency",
            "views",
        )
        .first()
    )


@pytest.fixture
def scripted_day(profile):
    owner = profile.owner
    ana, ben, cleo = (UserFactory(role=Role.CLIENT) for _ in range(3))
    day_before, day_after = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)

    # Ana's conversation, started that day: two replies.
    t1 = thread(profile, ana, at(DAY, 10))
    say(t1, ana, at(DAY, 10))
    say(t1, ana, at(DAY, 10, 5))  # a second line does not restart the clock
    say(t1, owner, at(DAY, 10, 6), automatic=True)  # away reply: not an answer
    say(t1, owner, at(DAY, 10, 30))  # reply 1: 30 min after 10:00
    say(t1, owner, at(DAY, 10, 31))  # a follow-up, not a reply
    say(t1, ana, at(DAY, 11))
    say(t1, owner, at(DAY, 11, 10))  # reply 2: 10 min
    # Ben wrote late the day before; the reply came after midnight.
    t2 = thread(profile, ben, at(day_before, 22))
    say(t2, ben, at(day_before, 23))
    say(t2, owner, at(DAY, 1))  # reply 3: 2 h, counted on the reply's day
    # Cleo's question only met the away reply; she wrote again the next day.
    t3 = thread(profile, cleo, at(DAY, 20))
    say(t3, cleo, at(DAY, 20))
    say(t3, owner, at(DAY, 20, 1), automatic=True)
    say(t3, owner, at(day_after, 9))  # answered the next day: not this day's

    requested = made(
        past_booking(profile, ana, ended_ago=dt.timedelta(days=30)), at(DAY, 9)
    )
    confirmed = made(
        past_booking(profile, ben, ended_ago=dt.timedelta(days=31)), at(day_before, 9)
    )
    completed = made(
        past_booking(profile, cleo, ended_ago=dt.timedelta(days=32)), at(day_before, 9)
    )
    moved(confirmed, Booking.Status.CONFIRMED, at(DAY, 12))
    moved(completed, Booking.Status.CONFIRMED, at(day_before, 12))
    moved(completed, Booking.Status.COMPLETED, at(DAY, 23, 59))
    moved(requested, Booking.Status.CONFIRMED, at(day_after, 0, 1))  # next day
    return {"t1": t1, "ana": ana}


EXPECTED = {
    "conversations": 2,
    "booking_requests": 1,
    "bookings_confirmed": 1,
    "bookings_completed": 1,
    "replies": 3,
    "reply_seconds": 30 * 60 + 10 * 60 + 2 * 3600,
    "earnings_minor": 0,
    "currency": "",
    "views": 0,
}


def test_a_scripted_day_gives_exact_figures(profile, scripted_day):
    assert profile_days_rollup(day=DAY) == 1
    assert facts(profile) == EXPECTED


def test_a_rerun_sets_the_same_numbers_and_keeps_the_counted_columns(
    profile, scripted_day
):
    profile_days_rollup(day=DAY)
    ProfileDay.objects.filter(profile=profile, day=DAY).update(views=41)
    profile_days_rollup(day=DAY)
    profile_days_rollup(day=DAY)

    assert facts(profile) == {**EXPECTED, "views": 41}
    assert ProfileDay.objects.filter(profile=profile).count() == 1


def test_records_gone_since_clear_their_figures(profile, scripted_day):
    profile_days_rollup(day=DAY)
    Thread.objects.all().delete()
    Booking.objects.all().delete()

    assert profile_days_rollup(day=DAY) == 1
    assert facts(profile) == {**EXPECTED, **dict.fromkeys(EXPECTED, 0), "currency": ""}


def test_the_neighbouring_days_get_their_own_figures(profile, scripted_day):
    profile_days_rollup(day=DAY + dt.timedelta(days=1))
    after = facts(profile, DAY + dt.timedelta(days=1))
    assert (after["replies"], after["bookings_confirmed"]) == (1, 1)
    assert after["conversations"] == 0


def test_a_quiet_day_writes_no_rows(profile):
    assert profile_days_rollup(day=DAY) == 0
    assert not ProfileDay.objects.exists()


def test_released_deposits_are_the_days_earnings(profile, ledger_balanced):
    client = UserFactory(role=Role.CLIENT)
    booking = past_booking(profile, client)
    payment = Payment.objects.create(
        payer=client,
        purpose=Payment.Purpose.DEPOSIT,
        reference_type="bookings.booking",
        reference_id=str(booking.pk),
        amount_minor=9000,
        currency="EUR",
        gateway="manual",
        status=Payment.Status.SUCCEEDED,
    )
    deposit_release(payment=payment, provider_id=profile.owner_id)

    today = timezone.localdate()
    rollup_profile_days.delay().get()
    row = facts(profile, today)
    assert (row["earnings_minor"], row["currency"]) == (9000, "EUR")
    assert row["bookings_completed"] == 0


@override_settings(TIME_ZONE="Europe/Lisbon")
def test_days_are_cut_at_local_midnight_across_a_dst_change(profile):
    spring = dt.date(2026, 3, 29)  # Lisbon: 01:00 UTC becomes 02:00 WEST
    start, end = local_day_bounds(spring)
    assert (end - start) == dt.timedelta(hours=23)
    assert start == dt.datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert end == dt.datetime(2026, 3, 29, 23, 0, tzinfo=UTC)

    client = UserFactory(role=Role.CLIENT)
    others = [UserFactory(role=Role.CLIENT) for _ in range(2)]
    thread(profile, client, dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC))  # 28th
    thread(profile, others[0], dt.datetime(2026, 3, 29, 22, 30, tzinfo=UTC))  # 23:30
    thread(profile, others[1], dt.datetime(2026, 3, 29, 23, 30, tzinfo=UTC))  # 30th

    profile_days_rollup(day=spring)
    assert facts(profile, spring)["conversations"] == 1
    lisbon = ZoneInfo("Europe/Lisbon")
    assert dt.datetime(2026, 3, 29, 23, 30, tzinfo=UTC).astimezone(lisbon).day == 30


def test_the_nightly_run_recomputes_yesterday(profile, monkeypatch):
    client = UserFactory(role=Role.CLIENT)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    thread(profile, client, at(yesterday, 12))

    assert rollup_profile_days.delay(days_ago=1).get() == 1
    assert facts(profile, yesterday)["conversations"] == 1
    assert rollup_profile_days.delay().get() == 0  # today: nothing happened


def test_the_beat_runs_the_flush_and_both_rollups():
    entries = settings.CELERY_BEAT_SCHEDULE.values()
    tasks = [e["task"] for e in entries]
    assert "analytics.tasks.flush_profile_events" in tasks
    rollups = [e for e in entries if e["task"] == "analytics.tasks.rollup_profile_days"]
    assert sorted(e.get("kwargs", {}).get("days_ago", 0) for e in rollups) == [0, 1]
