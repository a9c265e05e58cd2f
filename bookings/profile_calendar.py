"""The availability calendar of the public profile page: the next 14 days, each
free, limited or unavailable, with its first free start times.

One ``bookable_slots`` computation for the whole range, so the page costs the
same queries whatever the number of days or slots. Every rule (hours, time off,
tours, notice, horizon, buffers, daily cap) stays in ``bookings.availability``:
a private tour's days come out of it with no time at all, so here they look like
any day off (docs/architecture.md, invariant 13).

Built here, not in ``directory``: ``bookings`` sits above ``directory``, so the
calendar joins the page's context through ``directory.profile_page``'s hook
(registered in ``bookings/wagtail_hooks.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.availability import Slot, bookable_slots
from directory.models import CityPage, EscortProfilePage

CALENDAR_DAYS = 14
FIRST_TIMES = 3  # start times shown per day
# Fewer free start times than this (every 30 minutes) and the day is "limited":
# about two hours of choice left.
LIMITED_BELOW = 5

STATUS_LABELS = {
    "free": _("Available"),
    "limited": _("Limited"),
    "unavailable": _("Unavailable"),
}


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    times: list[dt.time] = field(default_factory=list)  # local, in the day's city
    count: int = 0  # every free start time of the day
    city: CityPage | None = None  # where the slots are: home, or a public tour's

    @property
    def status(self) -> str:
        if not self.count:
            return "unavailable"
        return "limited" if self.count < LIMITED_BELOW else "free"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def more(self) -> int:
        return self.count - len(self.times)


@dataclass(frozen=True)
class AvailabilityCalendar:
    days: list[CalendarDay]
    home_city: CityPage | None

    @property
    def time_zone(self) -> str:
        return self.home_city.time_zone if self.home_city else "UTC"

    @property
    def available_today(self) -> bool:
        return bool(self.days and self.days[0].count)

    @property
    def has_free_days(self) -> bool:
        return any(day.count for day in self.days)


def takes_bookings(profile: EscortProfilePage) -> bool:
    return profile.contact_preference != EscortProfilePage.ContactPreference.MESSAGES


def availability_calendar(
    *,
    profile: EscortProfilePage,
    now: dt.datetime | None = None,
    days: int = CALENDAR_DAYS,
) -> AvailabilityCalendar:
    """``days`` local dates from today in the home city's time zone (as the
    slot API counts them); each slot is shown in the time zone of its city."""
    now = now or timezone.now()
    home = profile.home_city
    today = now.astimezone(ZoneInfo(home.time_zone if home else "UTC")).date()
    last = today + dt.timedelta(days=days - 1)
    slots = bookable_slots(profile=profile, date_from=today, date_to=last, now=now)
    by_date = _by_local_date(slots)
    return AvailabilityCalendar(
        days=[
            _day(today + dt.timedelta(days=n), by_date, home=home) for n in range(days)
        ],
        home_city=home,
    )


def _by_local_date(slots: list[Slot]) -> dict[dt.date, list[tuple[dt.datetime, Slot]]]:
    by_date: dict[dt.date, list[tuple[dt.datetime, Slot]]] = defaultdict(list)
    for slot in slots:
        local = slot.start.astimezone(ZoneInfo(slot.city.time_zone))
        by_date[local.date()].append((local, slot))
    return by_date


def _day(
    date: dt.date,
    by_date: dict[dt.date, list[tuple[dt.datetime, Slot]]],
    *,
    home: CityPage | None,
) -> CalendarDay:
    free = by_date.get(date, [])
    if not free:
        return CalendarDay(date=date)
    city = free[0][1].city
    return CalendarDay(
        date=date,
        times=[local.time() for local, _slot in free[:FIRST_TIMES]],
        count=len(free),
        city=None if home is not None and city.pk == home.pk else city,
    )
