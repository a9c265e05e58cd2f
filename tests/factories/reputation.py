"""Past bookings and assessments for the reputation and screening tests: rows
written directly, as the clock and the provider's moves would have left them."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from bookings.models import Booking
from directory.models import EscortProfilePage
from reviews.models import ClientAssessment
from tests.factories import bookings as bookings_factory


def past_booking(
    profile: EscortProfilePage,
    client: User,
    *,
    status: str = Booking.Status.COMPLETED,
    days_ago: int = 10,
) -> Booking:
    """A past booking that started ``days_ago`` days ago."""
    ended_ago = dt.timedelta(days=days_ago) - dt.timedelta(hours=1)
    return bookings_factory.past_booking(
        profile, client, status=status, ended_ago=ended_ago
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
