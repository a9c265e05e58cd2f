"""When a provider can be booked: weekly rules, dated exceptions and tours turned
into UTC windows, then into bookable start times under the provider's policy.

Rules and exceptions are wall-clock times where the provider is that date (home
city, or the touring city). Each local time goes through ``zoneinfo`` to UTC on
its own, so a window's real length follows the clock change (docs/architecture.md,
invariant 7):
00:00-04:00 lasts 3 hours on the spring-forward night and 5 on the fall-back one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import NoReturn
from zoneinfo import ZoneInfo

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
)
from bookings.selectors import policy_for
from core.exceptions import ValidationFailed
from core.formatting import format_duration
from directory.models import CityPage, EscortProfilePage, ProfileRate, ProfileTour

UTC = dt.UTC
MAX_RANGE_DAYS = 62
ONE_DAY = dt.timedelta(days=1)

Span = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Window:
    start: dt.datetime  # aware UTC
    end: dt.datetime  # aware UTC
    city: CityPage  # where the provider is: home, or the touring city


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # aware UTC
    durations: tuple[int, ...]  # rate durations (minutes) that fit from this start
    city: CityPage


@dataclass(frozen=True)
class _Calendar:
    """Everything the windows of a date range depend on, read once."""

    rules: dict[int, list[AvailabilityRule]]  # by weekday
    exceptions: list[AvailabilityException]
    tours: list[ProfileTour]


@dataclass(frozen=True)
class _Gate:
    """What a candidate start must also pass besides fitting in a window."""

    earliest: dt.datetime
    latest: dt.datetime
    buffer_before: dt.timedelta
    buffer_after: dt.timedelta
    taken: list[Span]  # stored spans: they already include the buffers
    requested: list[Span]
    full_days: set[dt.date]

    def allows(self, start: dt.datetime, end: dt.datetime) -> bool:
        buffered = (start - self.buffer_before, end + self.buffer_after)
        return not any(_overlaps(buffered, span) for span in self.taken) and not any(
            _overlaps((start, end), span) for span in self.requested
        )


# --- Where the provider is ----------------------------------------------------


def location_for(
    *,
    profile: EscortProfilePage,
    day: dt.date,
    tours: list[ProfileTour] | None = None,
) -> CityPage | None:
    """The touring city when a tour (a private one too) covers ``day``, else home.
    Internal: a private tour's city never leaves this module (see
    ``availability_windows``)."""
    if tours is None:
        tours = _tours(profile=profile, date_from=day, date_to=day)
    tour = _covering_tour(day=day, tours=tours)
    return tour.city if tour is not None else profile.home_city


def _covering_tour(*, day: dt.date, tours: list[ProfileTour]) -> ProfileTour | None:
    covering = [tour for tour in tours if tour.starts_on <= day <= tour.ends_on]
    # A side trip inside a longer tour wins over it: the latest start.
    return max(covering, key=lambda t: (t.starts_on, t.pk or 0), default=None)


def _tours(
    *, profile: EscortProfilePage, date_from: dt.date, date_to: dt.date
) -> list[ProfileTour]:
    return list(
        ProfileTour.objects.filter(
            page=profile, starts_on__lte=date_to, ends_on__gte=date_from
        ).select_related("city")
    )


# --- Windows --------------------------------------------------------------------


def availability_windows(
    *, profile: EscortProfilePage, date_from: dt.date, date_to: dt.date
) -> list[Window]:
    """Open time for the local dates ``date_from``..``date_to`` (a window that runs
    past midnight keeps its tail), sorted, merged, in UTC.

    A date a private tour covers has no windows at all (docs/architecture.md,
    invariant 13): every window ends up in front of a client (the slot list, the
    search filter, a booking's city), and a slot there would name the tour's city
    and dates. The provider is away on those dates, so home-city slots would be
    wrong too. The tour's time zone still places the time off around it."""
    check_date_range(date_from=date_from, date_to=date_to)
    calendar = _calendar(profile=profile, date_from=date_from, date_to=date_to)
    off_days = {
        exception.date
        for exception in calendar.exceptions
        if exception.kind == AvailabilityException.Kind.OFF
        and exception.start_time is None
    }
    windows: list[Window] = []
    for day in _dates(date_from, date_to):
        tour = _covering_tour(day=day, tours=calendar.tours)
        if tour is not None and tour.is_private:
            continue
        city = tour.city if tour is not None else profile.home_city
        if city is None or day in off_days:
            continue
        windows.extend(_day_windows(day=day, city=city, calendar=calendar))
    cuts = _off_spans(profile=profile, calendar=calendar)
    return _merged(_subtract(windows, cuts))


def check_date_range(*, date_from: dt.date, date_to: dt.date) -> None:
    """Refuse an inverted range or one longer than ``MAX_RANGE_DAYS`` dates."""
    if date_to < date_from:
        message = "The end date is before the start date."
        raise ValidationFailed(message, fields={"to": [message]})
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        message = f"Ask for at most {MAX_RANGE_DAYS} days at a time."
        raise ValidationFailed(message, fields={"to": [message]})


def _calendar(
    *, profile: EscortProfilePage, date_from: dt.date, date_to: dt.date
) -> _Calendar:
    # One day either side: a time off the evening before may run past midnight
    # into the range, and one on the day after may cut the last window's tail.
    first, last = date_from - ONE_DAY, date_to + ONE_DAY
    rules: dict[int, list[AvailabilityRule]] = {}
    for rule in AvailabilityRule.objects.filter(profile=profile):
        rules.setdefault(rule.weekday, []).append(rule)
    exceptions = list(
        AvailabilityException.objects.filter(
            profile=profile, date__gte=first, date__lte=last
        )
    )
    tours = _tours(profile=profile, date_from=first, date_to=last)
    return _Calendar(rules=rules, exceptions=exceptions, tours=tours)


def _day_windows(
    *, day: dt.date, city: CityPage, calendar: _Calendar
) -> Iterator[Window]:
    zone = ZoneInfo(city.time_zone)
    extras = [
        exception
        for exception in calendar.exceptions
        if exception.date == day and exception.kind == AvailabilityException.Kind.EXTRA
    ]
    for hours in [*calendar.rules.get(day.weekday(), []), *extras]:
        start, end = _local_span(day, hours.start_time, hours.end_time, zone)
        yield Window(start=start, end=end, city=city)


def _off_spans(*, profile: EscortProfilePage, calendar: _Calendar) -> list[Span]:
    spans = []
    for exception in calendar.exceptions:
        if exception.kind != AvailabilityException.Kind.OFF:
            continue
        city = location_for(profile=profile, day=exception.date, tours=calendar.tours)
        if city is None:
            continue
        # A whole day off runs from midnight to midnight, local.
        start_time = exception.start_time or dt.time(0)
        end_time = exception.end_time or dt.time(0)
        zone = ZoneInfo(city.time_zone)
        spans.append(_local_span(exception.date, start_time, end_time, zone))
    return spans


def _local_span(
    day: dt.date, start_time: dt.time, end_time: dt.time, zone: ZoneInfo
) -> Span:
    """Wall-clock hours on ``day`` in UTC; an end at or before the start is on the
    next day. fold=0: a time inside the spring gap takes the offset from before
    the change, which lands after the gap once in UTC (02:30 -> 03:30 summer)."""
    end_day = day + ONE_DAY if end_time <= start_time else day
    return (
        dt.datetime.combine(day, start_time, tzinfo=zone).astimezone(UTC),
        dt.datetime.combine(end_day, end_time, tzinfo=zone).astimezone(UTC),
    )


def _dates(date_from: dt.date, date_to: dt.date) -> Iterator[dt.date]:
    for offset in range((date_to - date_from).days + 1):
        yield date_from + dt.timedelta(days=offset)


def _subtract(windows: list[Window], cuts: Iterable[Span]) -> list[Window]:
    for cut_start, cut_end in cuts:
        pieces = []
        for window in windows:
            if cut_end <= window.start or window.end <= cut_start:
                pieces.append(window)
                continue
            if window.start < cut_start:
                pieces.append(replace(window, end=cut_start))
            if cut_end < window.end:
                pieces.append(replace(window, start=cut_end))
        windows = pieces
    return windows


def _merged(windows: list[Window]) -> list[Window]:
    merged: list[Window] = []
    for window in sorted(windows, key=lambda w: (w.start, w.end)):
        last = merged[-1] if merged else None
        if last is None or window.start > last.end:
            merged.append(window)
        elif window.city.pk == last.city.pk:
            merged[-1] = replace(last, end=max(last.end, window.end))
        elif window.end > last.end:
            # Two cities at once (the night before a tour runs into its first
            # day): the earlier commitment keeps the overlap.
            merged.append(replace(window, start=last.end))
    return merged


# --- Bookable slots -------------------------------------------------------------


def bookable_slots(
    *,
    profile: EscortProfilePage,
    date_from: dt.date,
    date_to: dt.date,
    now: dt.datetime | None = None,
    step_minutes: int = 30,
) -> list[Slot]:
    """Start times every ``step_minutes`` from each window's start, each with the
    rate durations that fit there. A constant number of queries for any range."""
    if step_minutes < 1:
        raise ValueError("step_minutes must be positive")
    windows = availability_windows(
        profile=profile, date_from=date_from, date_to=date_to
    )
    durations = _durations(profile=profile)
    if not windows or not durations:
        return []
    gate = _gate(
        profile=profile,
        now=now or timezone.now(),
        around=(windows[0].start, windows[-1].end),
    )
    step = dt.timedelta(minutes=step_minutes)
    return [
        slot
        for window in windows
        for slot in _window_slots(window, durations=durations, gate=gate, step=step)
    ]


def _durations(*, profile: EscortProfilePage) -> tuple[int, ...]:
    minutes = ProfileRate.objects.filter(page=profile).values_list(
        "duration_minutes", flat=True
    )
    return tuple(sorted(set(minutes)))


def _gate(*, profile: EscortProfilePage, now: dt.datetime, around: Span) -> _Gate:
    policy = policy_for(profile=profile)
    # Two days either side: a booking counts towards the cap of its local date,
    # which may start a day before the first window's UTC date.
    lower, upper = around[0] - 2 * ONE_DAY, around[1] + 2 * ONE_DAY
    rows = list(
        Booking.objects.active()
        .filter(profile=profile, span__overlap=DateTimeTZRange(lower, upper, "[)"))
        .values_list("status", "start", "span", "city__time_zone")
    )
    taken = [row for row in rows if row[0] in Booking.TAKEN]
    return _Gate(
        earliest=now + dt.timedelta(minutes=policy.min_notice_minutes),
        latest=now + dt.timedelta(days=policy.max_days_ahead),
        buffer_before=dt.timedelta(minutes=policy.buffer_before_minutes),
        buffer_after=dt.timedelta(minutes=policy.buffer_after_minutes),
        taken=[_bounds(row[2]) for row in taken],
        requested=[_bounds(row[2]) for row in rows if row[0] not in Booking.TAKEN],
        full_days=_full_days(
            [(start, zone) for _, start, _, zone in taken], cap=policy.daily_cap
        ),
    )


def _window_slots(
    window: Window, *, durations: tuple[int, ...], gate: _Gate, step: dt.timedelta
) -> Iterator[Slot]:
    zone = ZoneInfo(window.city.time_zone)
    shortest = dt.timedelta(minutes=durations[0])
    start = window.start
    while start + shortest <= window.end:
        if (
            gate.earliest <= start <= gate.latest
            and start.astimezone(zone).date() not in gate.full_days
        ):
            fitting = tuple(
                minutes
                for minutes in durations
                if (end := start + dt.timedelta(minutes=minutes)) <= window.end
                and gate.allows(start, end)
            )
            if fitting:
                yield Slot(start=start, durations=fitting, city=window.city)
        start += step


def _full_days(
    bookings: list[tuple[dt.datetime, str]], *, cap: int | None
) -> set[dt.date]:
    """Local dates (of the booking's city) already holding ``cap`` bookings. A
    booking belongs to the date it starts on, even when it runs past midnight."""
    if cap is None:
        return set()
    per_day = Counter(
        start.astimezone(ZoneInfo(zone)).date() for start, zone in bookings
    )
    return {day for day, count in per_day.items() if count >= cap}


def _bounds(span: DateTimeTZRange) -> Span:
    # Spans are written bounded; an open end would mean "for ever" either way.
    lower = span.lower or dt.datetime.min.replace(tzinfo=UTC)
    upper = span.upper or dt.datetime.max.replace(tzinfo=UTC)
    return lower, upper


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# --- One requested time -----------------------------------------------------------


def booking_window(
    *,
    profile: EscortProfilePage,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    exclude_booking_id: int | None = None,
) -> Window:
    """The window ``[start, end)`` fits in, under the same rules as
    ``bookable_slots``. Overlaps with other bookings are left to the database's
    exclusion constraint, which settles races this check could not.
    ``exclude_booking_id``: a booking being moved does not count against the
    daily cap of its new day."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        _refuse("Give a time zone offset.")
    policy = policy_for(profile=profile)
    _check_timing(start=start, now=now or timezone.now(), policy=policy)
    window = _window_around(profile=profile, start=start, end=end)
    if window is None:
        _refuse("The provider is not available at this time.", OutsideHours)
    _check_daily_cap(
        profile=profile,
        city=window.city,
        start=start,
        policy=policy,
        exclude_booking_id=exclude_booking_id,
    )
    return window


class TimeRefused(ValidationFailed):
    """A requested time the rules refuse. Each reason has its own class so that
    pages can say it in their own words; the API keeps the shared code and shape
    (400, ``validation_error``) with the message below."""


class TimeInPast(TimeRefused):
    pass


class NoticeTooShort(TimeRefused):
    pass


class TooFarAhead(TimeRefused):
    pass


class OutsideHours(TimeRefused):
    pass


class DayFull(TimeRefused):
    pass


def _refuse(message: str, error: type[TimeRefused] = TimeRefused) -> NoReturn:
    raise error(message, fields={"start": [message]})


def _check_timing(
    *, start: dt.datetime, now: dt.datetime, policy: BookingPolicy
) -> None:
    if start < now:
        _refuse("This time is in the past.", TimeInPast)
    if start < now + dt.timedelta(minutes=policy.min_notice_minutes):
        _refuse(
            f"Book at least {format_duration(policy.min_notice_minutes)} ahead.",
            NoticeTooShort,
        )
    if start > now + dt.timedelta(days=policy.max_days_ahead):
        _refuse(
            f"Bookings open at most {policy.max_days_ahead} days ahead.", TooFarAhead
        )


def _window_around(
    *, profile: EscortProfilePage, start: dt.datetime, end: dt.datetime
) -> Window | None:
    # Local dates sit within a day of the UTC date; the window holding the start
    # may come from the evening before, and one reaching the end (24 h at most)
    # from the day after.
    day = start.astimezone(UTC).date()
    windows = availability_windows(
        profile=profile, date_from=day - 2 * ONE_DAY, date_to=day + 2 * ONE_DAY
    )
    return next((w for w in windows if w.start <= start and end <= w.end), None)


def check_daily_cap(*, booking: Booking, policy: BookingPolicy) -> None:
    """Before a booking is taken: its day may not already be full."""
    _check_daily_cap(
        profile=booking.profile,
        city=booking.city,
        start=booking.start,
        policy=policy,
        exclude_booking_id=booking.pk,
    )


def _check_daily_cap(
    *,
    profile: EscortProfilePage,
    city: CityPage,
    start: dt.datetime,
    policy: BookingPolicy,
    exclude_booking_id: int | None = None,
) -> None:
    if policy.daily_cap is None:
        return
    rows = Booking.objects.taken().filter(
        profile=profile, start__gte=start - 2 * ONE_DAY, start__lt=start + 2 * ONE_DAY
    )
    if exclude_booking_id is not None:
        rows = rows.exclude(pk=exclude_booking_id)
    full = _full_days(
        list(rows.values_list("start", "city__time_zone")), cap=policy.daily_cap
    )
    if start.astimezone(ZoneInfo(city.time_zone)).date() in full:
        _refuse("The provider takes no more bookings on this day.", DayFull)
