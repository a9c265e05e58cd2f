"""Windows and bookable slots: wall-clock rules through DST, midnight, exceptions,
tours and the provider's policy. Every test passes a fixed ``now``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from bookings.availability import (
    Slot,
    Window,
    availability_windows,
    bookable_slots,
    booking_window,
    location_for,
)
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
)
from core.exceptions import ValidationFailed
from directory.models import CityPage, EscortProfilePage
from tests.factories import UserFactory
from tests.factories.pages import add_rate, add_tour, make_city, make_profile

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2027, 1, 1, tzinfo=UTC)
FRIDAY = dt.date(2027, 1, 15)
SPRING_FORWARD = dt.date(2027, 3, 28)  # Sunday: 02:00 CET -> 03:00 CEST
FALL_BACK = dt.date(2027, 10, 31)  # Sunday: 03:00 CEST -> 02:00 CET
OFF = AvailabilityException.Kind.OFF
EXTRA = AvailabilityException.Kind.EXTRA


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def berlin() -> CityPage:
    return make_city("Berlin")


@pytest.fixture
def new_york() -> CityPage:
    return make_city(
        "New York",
        time_zone="America/New_York",
        country="United States",
        country_code="US",
    )


@pytest.fixture
def profile(berlin: CityPage) -> EscortProfilePage:
    """Rates of 1 and 2 hours; a policy that gets out of the way (no notice, no
    buffers, a year ahead) unless a test sets it."""
    profile = make_profile("Amelie", city=berlin)
    add_rate(profile, duration_minutes=60)
    add_rate(profile, duration_minutes=120, amount_minor=55000)
    add_rate(profile, duration_minutes=60, kind="outcall", amount_minor=40000)
    BookingPolicy.objects.create(
        profile=profile,
        min_notice_minutes=0,
        max_days_ahead=365,
        buffer_before_minutes=0,
        buffer_after_minutes=0,
    )
    return profile


def rule(profile: EscortProfilePage, weekday: int, start: int, end: int) -> None:
    AvailabilityRule.objects.create(
        profile=profile,
        weekday=weekday,
        start_time=dt.time(start),
        end_time=dt.time(end),
    )


def every_day(profile: EscortProfilePage, start: int, end: int) -> None:
    for weekday in range(7):
        rule(profile, weekday, start, end)


def exception(
    profile: EscortProfilePage,
    day: dt.date,
    kind: str,
    start: int | None = None,
    end: int | None = None,
) -> None:
    AvailabilityException.objects.create(
        profile=profile,
        date=day,
        kind=kind,
        start_time=None if start is None else dt.time(start),
        end_time=None if end is None else dt.time(end),
    )


def set_policy(profile: EscortProfilePage, **fields: object) -> None:
    if fields:
        BookingPolicy.objects.filter(profile=profile).update(**fields)


def book(
    profile: EscortProfilePage,
    *,
    start: dt.datetime,
    minutes: int = 60,
    status: str = Booking.Status.CONFIRMED,
    before: int = 0,
    after: int = 0,
) -> Booking:
    """A booking row as the services store it: taken spans carry the buffers."""
    end = start + dt.timedelta(minutes=minutes)
    span = DateTimeTZRange(
        start - dt.timedelta(minutes=before), end + dt.timedelta(minutes=after), "[)"
    )
    return Booking.objects.create(
        client=UserFactory(),
        profile=profile,
        city=profile.home_city,
        start=start,
        end=end,
        span=span,
        duration_minutes=minutes,
        location="incall",
        price_minor=30000,
        currency="EUR",
        status=status,
    )


def starts(slots: list[Slot]) -> list[tuple[dt.datetime, tuple[int, ...]]]:
    return [(slot.start, slot.durations) for slot in slots]


# --- DST -------------------------------------------------------------------------


def test_spring_forward_night_lasts_three_real_hours(
    profile: EscortProfilePage, berlin: CityPage
) -> None:
    rule(profile, SPRING_FORWARD.weekday(), 0, 4)

    windows = availability_windows(
        profile=profile, date_from=SPRING_FORWARD, date_to=SPRING_FORWARD
    )
    slots = bookable_slots(
        profile=profile, date_from=SPRING_FORWARD, date_to=SPRING_FORWARD, now=NOW
    )

    # 00:00 CET is 23:00 UTC; 04:00 CEST is 02:00 UTC.
    assert windows == [Window(utc(2027, 3, 27, 23), utc(2027, 3, 28, 2), berlin)]
    assert starts(slots) == [
        (utc(2027, 3, 27, 23, 0), (60, 120)),
        (utc(2027, 3, 27, 23, 30), (60, 120)),
        (utc(2027, 3, 28, 0, 0), (60, 120)),
        (utc(2027, 3, 28, 0, 30), (60,)),
        (utc(2027, 3, 28, 1, 0), (60,)),
    ]
    assert {slot.city for slot in slots} == {berlin}


def test_fall_back_night_lasts_five_real_hours(
    profile: EscortProfilePage, berlin: CityPage
) -> None:
    rule(profile, FALL_BACK.weekday(), 0, 4)

    windows = availability_windows(
        profile=profile, date_from=FALL_BACK, date_to=FALL_BACK
    )
    slots = bookable_slots(
        profile=profile, date_from=FALL_BACK, date_to=FALL_BACK, now=NOW
    )

    # 00:00 CEST is 22:00 UTC the day before; 04:00 CET is 03:00 UTC.
    assert windows == [Window(utc(2027, 10, 30, 22), utc(2027, 10, 31, 3), berlin)]
    assert windows[0].end - windows[0].start == dt.timedelta(hours=5)
    assert starts(slots) == [
        (utc(2027, 10, 30, 22, 0), (60, 120)),
        (utc(2027, 10, 30, 22, 30), (60, 120)),
        (utc(2027, 10, 30, 23, 0), (60, 120)),
        (utc(2027, 10, 30, 23, 30), (60, 120)),
        (utc(2027, 10, 31, 0, 0), (60, 120)),
        (utc(2027, 10, 31, 0, 30), (60, 120)),
        (utc(2027, 10, 31, 1, 0), (60, 120)),
        (utc(2027, 10, 31, 1, 30), (60,)),
        (utc(2027, 10, 31, 2, 0), (60,)),
    ]


def test_a_wall_time_inside_the_spring_gap_moves_forward(
    profile: EscortProfilePage, berlin: CityPage
) -> None:
    AvailabilityRule.objects.create(
        profile=profile,
        weekday=SPRING_FORWARD.weekday(),
        start_time=dt.time(2, 30),  # does not exist that night: it is 03:30 CEST
        end_time=dt.time(5),
    )

    windows = availability_windows(
        profile=profile, date_from=SPRING_FORWARD, date_to=SPRING_FORWARD
    )

    assert windows == [Window(utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 3), berlin)]


def test_summer_and_winter_hours_keep_their_wall_clock(
    profile: EscortProfilePage,
) -> None:
    rule(profile, 6, 10, 12)  # Sundays

    windows = availability_windows(
        profile=profile,
        date_from=SPRING_FORWARD - dt.timedelta(days=7),
        date_to=SPRING_FORWARD,
    )

    assert [(w.start, w.end) for w in windows] == [
        (utc(2027, 3, 21, 9), utc(2027, 3, 21, 11)),
        (utc(2027, 3, 28, 8), utc(2027, 3, 28, 10)),
    ]


# --- Midnight ----------------------------------------------------------------------


def test_a_rule_past_midnight_is_one_window(
    profile: EscortProfilePage, berlin: CityPage
) -> None:
    rule(profile, FRIDAY.weekday(), 22, 2)

    windows = availability_windows(profile=profile, date_from=FRIDAY, date_to=FRIDAY)
    slots = bookable_slots(profile=profile, date_from=FRIDAY, date_to=FRIDAY, now=NOW)

    # 22:00 CET Friday to 02:00 CET Saturday.
    assert windows == [Window(utc(2027, 1, 15, 21), utc(2027, 1, 16, 1), berlin)]
    assert starts(slots) == [
        (utc(2027, 1, 15, 21, 0), (60, 120)),
        (utc(2027, 1, 15, 21, 30), (60, 120)),
        (utc(2027, 1, 15, 22, 0), (60, 120)),
        (utc(2027, 1, 15, 22, 30), (60, 120)),
        (utc(2027, 1, 15, 23, 0), (60, 120)),  # 00:00 Saturday, local
        (utc(2027, 1, 15, 23, 30), (60,)),
        (utc(2027, 1, 16, 0, 0), (60,)),
    ]


def test_overlapping_rules_of_two_days_merge(profile: EscortProfilePage) -> None:
    rule(profile, FRIDAY.weekday(), 22, 2)
    rule(profile, FRIDAY.weekday() + 1, 1, 3)

    windows = availability_windows(
        profile=profile, date_from=FRIDAY, date_to=FRIDAY + dt.timedelta(days=1)
    )

    assert [(w.start, w.end) for w in windows] == [
        (utc(2027, 1, 15, 21), utc(2027, 1, 16, 2))
    ]


# --- Exceptions --------------------------------------------------------------------


def test_a_whole_day_off_removes_that_date(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 18)
    exception(profile, FRIDAY, OFF)

    windows = availability_windows(
        profile=profile,
        date_from=FRIDAY - dt.timedelta(days=1),
        date_to=FRIDAY + dt.timedelta(days=1),
    )

    assert [(w.start, w.end) for w in windows] == [
        (utc(2027, 1, 14, 9), utc(2027, 1, 14, 17)),
        (utc(2027, 1, 16, 9), utc(2027, 1, 16, 17)),
    ]


def test_a_day_off_takes_the_night_of_that_date_and_cuts_the_one_before(
    profile: EscortProfilePage,
) -> None:
    every_day(profile, 22, 2)
    exception(profile, FRIDAY, OFF)

    windows = availability_windows(
        profile=profile, date_from=FRIDAY - dt.timedelta(days=1), date_to=FRIDAY
    )

    # Thursday night stops at midnight; Friday night is gone altogether.
    assert [(w.start, w.end) for w in windows] == [
        (utc(2027, 1, 14, 21), utc(2027, 1, 14, 23))
    ]


def test_partial_time_off_splits_the_day(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 18)
    exception(profile, FRIDAY, OFF, 12, 14)

    windows = availability_windows(profile=profile, date_from=FRIDAY, date_to=FRIDAY)

    assert [(w.start, w.end) for w in windows] == [
        (utc(2027, 1, 15, 9), utc(2027, 1, 15, 11)),
        (utc(2027, 1, 15, 13), utc(2027, 1, 15, 17)),
    ]


def test_extra_hours_add_and_join_windows(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 14)
    exception(profile, FRIDAY, EXTRA, 14, 16)
    exception(profile, FRIDAY, EXTRA, 20, 23)
    exception(profile, FRIDAY + dt.timedelta(days=5), EXTRA, 8, 9)  # out of range

    windows = availability_windows(profile=profile, date_from=FRIDAY, date_to=FRIDAY)

    assert [(w.start, w.end) for w in windows] == [
        (utc(2027, 1, 15, 9), utc(2027, 1, 15, 15)),
        (utc(2027, 1, 15, 19), utc(2027, 1, 15, 22)),
    ]


def test_extra_hours_on_a_day_without_rules(profile: EscortProfilePage) -> None:
    exception(profile, FRIDAY, EXTRA, 9, 11)

    slots = bookable_slots(profile=profile, date_from=FRIDAY, date_to=FRIDAY, now=NOW)

    assert starts(slots) == [
        (utc(2027, 1, 15, 8, 0), (60, 120)),
        (utc(2027, 1, 15, 8, 30), (60,)),
        (utc(2027, 1, 15, 9, 0), (60,)),
    ]


# --- Tours ---------------------------------------------------------------------------


def test_tour_days_use_the_tour_city_and_its_time_zone(
    profile: EscortProfilePage, berlin: CityPage, new_york: CityPage
) -> None:
    every_day(profile, 10, 12)
    add_tour(
        profile, city=new_york, starts_on=FRIDAY, ends_on=FRIDAY + dt.timedelta(days=1)
    )

    windows = availability_windows(
        profile=profile,
        date_from=FRIDAY - dt.timedelta(days=1),
        date_to=FRIDAY + dt.timedelta(days=2),
    )
    slots = bookable_slots(profile=profile, date_from=FRIDAY, date_to=FRIDAY, now=NOW)

    assert windows == [
        Window(utc(2027, 1, 14, 9), utc(2027, 1, 14, 11), berlin),
        Window(utc(2027, 1, 15, 15), utc(2027, 1, 15, 17), new_york),
        Window(utc(2027, 1, 16, 15), utc(2027, 1, 16, 17), new_york),
        Window(utc(2027, 1, 17, 9), utc(2027, 1, 17, 11), berlin),
    ]
    assert [(s.start, s.city) for s in slots] == [
        (utc(2027, 1, 15, 15, 0), new_york),
        (utc(2027, 1, 15, 15, 30), new_york),
        (utc(2027, 1, 15, 16, 0), new_york),
    ]


def test_private_tour_days_have_no_windows(
    profile: EscortProfilePage, berlin: CityPage, new_york: CityPage
) -> None:
    # Issue 10, finding 1: every window reaches a client (slots, the search
    # filter, a booking's city), so a private tour's days are closed, neither
    # in the tour city nor at home, where the provider is not.
    every_day(profile, 10, 12)
    add_tour(profile, city=new_york, starts_on=FRIDAY, ends_on=FRIDAY, is_private=True)

    windows = availability_windows(
        profile=profile,
        date_from=FRIDAY - dt.timedelta(days=1),
        date_to=FRIDAY + dt.timedelta(days=1),
    )

    assert windows == [
        Window(utc(2027, 1, 14, 9), utc(2027, 1, 14, 11), berlin),
        Window(utc(2027, 1, 16, 9), utc(2027, 1, 16, 11), berlin),
    ]
    assert (
        bookable_slots(profile=profile, date_from=FRIDAY, date_to=FRIDAY, now=NOW) == []
    )
    # Internally the provider is still placed in the tour city.
    assert location_for(profile=profile, day=FRIDAY) == new_york


def test_location_for(
    profile: EscortProfilePage, berlin: CityPage, new_york: CityPage
) -> None:
    london = make_city("London", time_zone="Europe/London", country_code="GB")
    add_tour(
        profile, city=new_york, starts_on=FRIDAY, ends_on=FRIDAY + dt.timedelta(days=9)
    )
    # A side trip inside the longer tour.
    add_tour(
        profile,
        city=london,
        starts_on=FRIDAY + dt.timedelta(days=3),
        ends_on=FRIDAY + dt.timedelta(days=4),
        is_private=True,
    )

    def where(days: int) -> str | None:
        day = FRIDAY + dt.timedelta(days=days)
        return location_for(profile=profile, day=day).title

    assert [where(days) for days in (-1, 0, 2, 3, 4, 5, 9, 10)] == [
        "Berlin",
        "New York",
        "New York",
        "London",
        "London",
        "New York",
        "New York",
        "Berlin",
    ]


def test_no_city_no_windows(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 12)
    EscortProfilePage.objects.filter(pk=profile.pk).update(home_city=None)
    profile = EscortProfilePage.objects.get(pk=profile.pk)

    assert availability_windows(profile=profile, date_from=FRIDAY, date_to=FRIDAY) == []


# --- Policy --------------------------------------------------------------------------


def test_minimum_notice(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 14)  # 09:00-13:00 UTC
    set_policy(profile, min_notice_minutes=120)

    slots = bookable_slots(
        profile=profile,
        date_from=FRIDAY,
        date_to=FRIDAY,
        now=utc(2027, 1, 15, 9, 10),
    )

    assert starts(slots) == [
        (utc(2027, 1, 15, 11, 30), (60,)),
        (utc(2027, 1, 15, 12, 0), (60,)),
    ]


def test_horizon(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 11)
    set_policy(profile, max_days_ahead=2)

    slots = bookable_slots(
        profile=profile,
        date_from=FRIDAY,
        date_to=FRIDAY + dt.timedelta(days=5),
        now=utc(2027, 1, 15, 9),
    )

    # Up to 09:00 UTC on Sunday, two days on: that start is the last one.
    assert [slot.start for slot in slots] == [
        utc(2027, 1, 15, 9),
        utc(2027, 1, 16, 9),
        utc(2027, 1, 17, 9),
    ]


def test_buffers_keep_clear_of_a_taken_booking(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 14)  # 09:00-13:00 UTC
    set_policy(profile, buffer_before_minutes=30, buffer_after_minutes=30)
    book(profile, start=utc(2027, 1, 15, 11), before=30, after=30)
    book(profile, start=utc(2027, 1, 15, 9), status=Booking.Status.DECLINED)

    slots = bookable_slots(profile=profile, date_from=FRIDAY, date_to=FRIDAY, now=NOW)

    # Its span is 10:30-12:30; each candidate's own buffers must stay out of it.
    assert starts(slots) == [(utc(2027, 1, 15, 9), (60,))]


def test_a_request_blocks_only_its_own_time(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 14)
    set_policy(profile, buffer_before_minutes=30, buffer_after_minutes=30)
    book(profile, start=utc(2027, 1, 15, 11), status=Booking.Status.REQUESTED)

    slots = bookable_slots(profile=profile, date_from=FRIDAY, date_to=FRIDAY, now=NOW)

    assert starts(slots) == [
        (utc(2027, 1, 15, 9, 0), (60, 120)),
        (utc(2027, 1, 15, 9, 30), (60,)),
        (utc(2027, 1, 15, 10, 0), (60,)),
        (utc(2027, 1, 15, 12, 0), (60,)),
    ]


def test_daily_cap_closes_the_local_date(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 12)
    set_policy(profile, daily_cap=2)
    book(profile, start=utc(2027, 1, 15, 9))  # Friday
    book(profile, start=utc(2027, 1, 16, 23, 30))  # 00:30 Sunday, local
    book(profile, start=utc(2027, 1, 17, 9, 30), minutes=30)  # Sunday again

    slots = bookable_slots(
        profile=profile,
        date_from=FRIDAY,
        date_to=FRIDAY + dt.timedelta(days=2),
        now=NOW,
    )

    # Friday has room for one more; Saturday is free; Sunday is full.
    assert starts(slots) == [
        (utc(2027, 1, 15, 10), (60,)),
        (utc(2027, 1, 16, 9), (60, 120)),
        (utc(2027, 1, 16, 9, 30), (60,)),
        (utc(2027, 1, 16, 10), (60,)),
    ]


def test_no_rates_no_slots(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 12)
    profile.rates.all().delete()

    slots = bookable_slots(profile=profile, date_from=FRIDAY, date_to=FRIDAY, now=NOW)

    assert slots == []


def test_step_minutes(profile: EscortProfilePage) -> None:
    every_day(profile, 10, 12)

    slots = bookable_slots(
        profile=profile, date_from=FRIDAY, date_to=FRIDAY, now=NOW, step_minutes=45
    )

    assert starts(slots) == [
        (utc(2027, 1, 15, 9, 0), (60, 120)),
        (utc(2027, 1, 15, 9, 45), (60,)),
    ]


# --- Range and queries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "The end date is before the start date."),
        (62, "Ask for at most 62 days at a time."),
    ],
)
def test_range_limits(profile: EscortProfilePage, days: int, message: str) -> None:
    date_to = FRIDAY + dt.timedelta(days=days)

    with pytest.raises(ValidationFailed) as refused:
        bookable_slots(profile=profile, date_from=FRIDAY, date_to=date_to, now=NOW)

    assert refused.value.fields == {"to": [message]}
    assert (
        availability_windows(
            profile=profile, date_from=FRIDAY, date_to=FRIDAY + dt.timedelta(days=61)
        )
        == []
    )


def test_query_count_does_not_grow_with_the_range(
    profile: EscortProfilePage,
    new_york: CityPage,
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    every_day(profile, 10, 14)
    for week in range(8):
        day = FRIDAY + dt.timedelta(weeks=week)
        exception(profile, day, OFF, 12, 13)
        exception(profile, day + dt.timedelta(days=1), EXTRA, 18, 20)
        add_tour(profile, city=new_york, starts_on=day, ends_on=day)
        book(profile, start=dt.datetime.combine(day, dt.time(16), tzinfo=UTC))
    set_policy(profile, daily_cap=3, buffer_after_minutes=30)

    counts = []
    for days in (7, 60):
        fresh = EscortProfilePage.objects.get(pk=profile.pk)  # nothing cached
        # policy, rules, exceptions, tours, home city, rates, bookings
        with django_assert_max_num_queries(7) as queries:
            slots = bookable_slots(
                profile=fresh,
                date_from=FRIDAY,
                date_to=FRIDAY + dt.timedelta(days=days - 1),
                now=NOW,
            )
        counts.append((len(queries), len({slot.start.date() for slot in slots})))

    assert counts == [(7, 7), (7, 60)]


# --- One requested time ---------------------------------------------------------------


def test_booking_window_returns_the_window(
    profile: EscortProfilePage, berlin: CityPage
) -> None:
    rule(profile, SPRING_FORWARD.weekday(), 0, 4)
    start = dt.datetime.fromisoformat("2027-03-28T01:00:00+01:00")  # CET, before

    window = booking_window(
        profile=profile, start=start, end=start + dt.timedelta(hours=2), now=NOW
    )

    assert window == Window(utc(2027, 3, 27, 23), utc(2027, 3, 28, 2), berlin)


def test_every_offered_slot_passes_booking_window(
    profile: EscortProfilePage, new_york: CityPage
) -> None:
    every_day(profile, 22, 2)
    add_tour(profile, city=new_york, starts_on=FALL_BACK, ends_on=FALL_BACK)
    set_policy(profile, daily_cap=5)
    date_from, date_to = FALL_BACK - dt.timedelta(days=2), FALL_BACK
    slots = bookable_slots(
        profile=profile, date_from=date_from, date_to=date_to, now=NOW
    )

    assert len(slots) == 3 * 7
    for slot in slots:
        for minutes in slot.durations:
            end = slot.start + dt.timedelta(minutes=minutes)
            window = booking_window(profile=profile, start=slot.start, end=end, now=NOW)
            assert window.city == slot.city


@pytest.mark.parametrize(
    ("start", "policy", "message"),
    [
        (dt.datetime(2027, 1, 15, 10), {}, "Give a time zone offset."),  # noqa: DTZ001
        (utc(2027, 1, 15, 9), {}, "This time is in the past."),
        (
            utc(2027, 1, 15, 10, 30),
            {"min_notice_minutes": 120},
            "Book at least 2 hours ahead.",
        ),
        (
            utc(2027, 1, 15, 10, 30),
            {"min_notice_minutes": 90},
            "Book at least 90 minutes ahead.",
        ),
        (
            utc(2027, 1, 18, 9),
            {"max_days_ahead": 2},
            "Bookings open at most 2 days ahead.",
        ),
        (utc(2027, 1, 15, 13), {}, "The provider is not available at this time."),
        (
            utc(2027, 1, 15, 12, 30),
            {},
            "The provider is not available at this time.",
        ),
        (
            utc(2027, 1, 16, 11),
            {"daily_cap": 1},
            "The provider takes no more bookings on this day.",
        ),
    ],
)
def test_booking_window_refuses(
    profile: EscortProfilePage, start: dt.datetime, policy: dict, message: str
) -> None:
    every_day(profile, 10, 14)  # 09:00-13:00 UTC
    book(profile, start=utc(2027, 1, 16, 9))
    set_policy(profile, **policy)

    with pytest.raises(ValidationFailed) as refused:
        booking_window(
            profile=profile,
            start=start,
            end=start + dt.timedelta(hours=1),
            now=utc(2027, 1, 15, 9, 30),
        )

    assert refused.value.message == message
    assert refused.value.fields == {"start": [message]}


def test_booking_window_allows_the_day_under_its_cap(
    profile: EscortProfilePage, berlin: CityPage
) -> None:
    every_day(profile, 10, 14)
    book(profile, start=utc(2027, 1, 16, 9))
    set_policy(profile, daily_cap=2)
    start = utc(2027, 1, 16, 11)

    window = booking_window(
        profile=profile, start=start, end=start + dt.timedelta(hours=1), now=NOW
    )

    assert window == Window(utc(2027, 1, 16, 9), utc(2027, 1, 16, 13), berlin)
