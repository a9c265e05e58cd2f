"""Screening gates: what a provider asks of a client before a first message or a
booking request (docs/reputation.md).

One home (docs/architecture.md, "One home per rule"): ``screening_refusal`` is
called by ``bookings.services.booking_request`` and by messaging's thread start.
The refusal is neutral: it never says which requirement the client missed, so a
client cannot probe a provider's settings or learn what the site knows of them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking, ScreeningRequirements
from core.exceptions import ScreeningNotMet, ValidationFailed
from directory.models import EscortProfilePage
from directory.selectors import profile_editable_get

NO_SHOW_WINDOW = dt.timedelta(days=90)
MAX_MIN_COMPLETED = 50
SCREENING_FIELDS = (
    "verified_only",
    "min_completed_bookings",
    "no_recent_no_show",
    "for_first_contact",
    "for_booking_requests",
)

Kind = Literal["message", "booking"]


# --- reads ----------------------------------------------------------------------


def screening_for(*, profile: EscortProfilePage) -> ScreeningRequirements:
    """The profile's requirements, or none (an unsaved row of defaults)."""
    found = ScreeningRequirements.objects.filter(profile=profile).first()
    return found or ScreeningRequirements(profile=profile)


def _applies(screening: ScreeningRequirements, kind: Kind) -> bool:
    if kind == "message":
        return screening.for_first_contact
    return screening.for_booking_requests


def _meets(screening: ScreeningRequirements, client: User) -> bool:
    if screening.verified_only and not client.is_age_verified:
        return False
    if not (screening.min_completed_bookings or screening.no_recent_no_show):
        return True
    since = timezone.now() - NO_SHOW_WINDOW
    counts = Booking.objects.filter(client=client).aggregate(
        completed=Count("pk", filter=Q(status=Booking.Status.COMPLETED)),
        recent_no_shows=Count(
            "pk", filter=Q(status=Booking.Status.NO_SHOW, start__gte=since)
        ),
    )
    if counts["completed"] < screening.min_completed_bookings:
        return False
    return not (screening.no_recent_no_show and counts["recent_no_shows"])


def screening_refusal(
    *, profile: EscortProfilePage, client: User, kind: Kind
) -> ScreeningNotMet | None:
    """The refusal to raise when ``client`` does not meet the profile's screening
    for ``kind`` ("message": a first message; "booking": a booking request), else
    None. At most two queries."""
    screening = screening_for(profile=profile)
    if not screening.asks_anything or not _applies(screening, kind):
        return None
    return None if _meets(screening, client) else ScreeningNotMet()


# --- writes ---------------------------------------------------------------------


def screening_set(
    *, actor: User, profile_id: int, values: dict
) -> ScreeningRequirements:
    """The provider (or their agency's manager) sets the profile's screening.
    Fields left out keep their value; someone else's profile is 404."""
    profile = profile_editable_get(user=actor, profile_id=profile_id)
    minimum = values.get("min_completed_bookings", 0)
    if not isinstance(minimum, int) or not 0 <= minimum <= MAX_MIN_COMPLETED:
        raise ValidationFailed(
            fields={
                "min_completed_bookings": [
                    f"A whole number from 0 to {MAX_MIN_COMPLETED}."
                ]
            }
        )
    screening, _ = ScreeningRequirements.objects.update_or_create(
        profile=profile,
        defaults={name: values[name] for name in SCREENING_FIELDS if name in values},
    )
    return screening
