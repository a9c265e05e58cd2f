"""Bookable profiles and bookings for tests: a live profile with rates, open
every day 10:00-22:00 in its city's time zone, and times on those days."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from accounts.models import Role, User
from bookings.models import AvailabilityRule, Booking, BookingPolicy
from bookings.services import BookingInput, booking_request
from directory.models import CityPage, EscortProfilePage
from tests.factories import UserFactory
from tests.factories.pages import add_rate, make_profile


def bookable_profile(
    title: str, *, city: CityPage, owner: User | None = None, **policy: Any
) -> EscortProfilePage:
    profile = make_profile(title, city=city, owner=owner)
    add_rate(profile, duration_minutes=60, amount_minor=30000)
    add_rate(profile, duration_minutes=120, amount_minor=55000)
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(
            profile=profile,
            weekday=day,
            start_time=dt.time(10),
            end_time=dt.time(22),
        )
        for day in range(7)
    )
    BookingPolicy.objects.create(profile=profile, **policy)
    return profile


def local_time(city: CityPage, *, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """``days`` from today at a wall-clock time in the city, as an aware datetime."""
    zone = zoneinfo.ZoneInfo(city.time_zone)
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def rate_of(profile: EscortProfilePage, minutes: int = 60) -> int:
    return profile.rates.get(duration_minutes=minutes).pk


def client_account(**fields: Any) -> User:
    return UserFactory(role=Role.CLIENT, **fields)


def request_booking(
    profile: EscortProfilePage,
    *,
    start: dt.datetime,
    client: User | None = None,
    minutes: int = 60,
):  # noqa: ANN201 - Booking
    booking, _ = booking_request(
        client=client or client_account(),
        data=BookingInput(
            profile_id=profile.pk, rate_id=rate_of(profile, minutes), start=start
        ),
    )
    return booking


def past_booking(
    profile: EscortProfilePage,
    client: User,
    *,
    status: str = Booking.Status.COMPLETED,
    ended_ago: dt.timedelta = dt.timedelta(days=1),
) -> Booking:
    """An hour's booking that ended ``ended_ago`` ago, in ``status`` (completed,
    no-show …), written directly as the clock and the provider's moves would
    have left it: the services refuse times in the past. A past span never meets
    the exclusion constraint of active bookings."""
    end = timezone.now() - ended_ago
    start = end - dt.timedelta(hours=1)
    return Booking.objects.create(
        client=client,
        profile=profile,
        city=profile.home_city,
        start=start,
        end=end,
        span=DateTimeTZRange(start, end, "[)"),
        duration_minutes=60,
        location=Booking.Location.INCALL,
        price_minor=30000,
        currency="EUR",
        status=status,
    )
