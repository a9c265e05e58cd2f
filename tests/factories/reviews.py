"""Reviews for display tests: a completed booking in the past (written
directly, as the bookings demo writes past stories) and its review, published
unless told otherwise; the provider's on/off switch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from directory.models import EscortProfilePage
from reviews.models import ProfileReviewSettings, Review
from tests.factories.bookings import client_account, past_booking


def completed_booking(
    profile: EscortProfilePage, *, client: User | None = None, days_ago: int = 5
) -> Booking:
    return past_booking(
        profile,
        client or client_account(),
        ended_ago=dt.timedelta(days=days_ago, hours=2),
    )


def add_review(
    profile: EscortProfilePage,
    rating: int,
    *,
    status: str = Review.Status.PUBLISHED,
    days_ago: int = 5,
    created_at: dt.datetime | None = None,
    **fields: Any,
) -> Review:
    booking = completed_booking(profile, days_ago=days_ago)
    if fields.get("reply") and "replied_at" not in fields:
        fields["replied_at"] = timezone.now()
    review = Review.objects.create(
        booking=booking,
        profile=profile,
        author=booking.client,
        rating=rating,
        text=fields.pop("text", "Punctual, warm and a wonderful dinner companion."),
        status=status,
        **fields,
    )
    when = created_at or timezone.now() - dt.timedelta(days=max(days_ago - 1, 0))
    Review.objects.filter(pk=review.pk).update(created_at=when)
    review.created_at = when
    return review


def set_reviews(profile: EscortProfilePage, *, enabled: bool) -> None:
    ProfileReviewSettings.objects.update_or_create(
        profile=profile, defaults={"reviews_enabled": enabled}
    )
