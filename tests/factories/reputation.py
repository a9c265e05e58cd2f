"""Past bookings and assessments for the reputation and screening tests: rows
written directly, as the clock and the provider's moves would have left them."""

from __future__ import annotations

import datetime as dt

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from directory.models import EscortProfilePage
from reviews.models import ClientAssessment


def past_booking(
    profile: EscortProfilePage,
    client: User,
    *,
    status: str = Booking.Status.COMPLETED,
    days_ago: int = 10,
) -> Booking:
    start = timezone.now() - dt.timedelta(days=days_ago)
    end = start + dt.timedelta(hours=1)
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


def assessed(
    profile: EscortProfilePage,
    client: User,
    *,
    would_see_again: bool | None,
    days_ago: int = 10,
    showed_up: bool = True,
) -> ClientAssessment:
    booking = past_booking(profile, client, days_ago=days_ago)
    return ClientAssessment.objects.create(
        booking=booking,
        client=client,
        assessor=profile.owner,
        showed_up=showed_up,
        would_see_again=would_see_again,
    )
