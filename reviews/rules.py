"""The time rules of reviews, in one place (docs/architecture.md, "One home per
rule"): how long after a booking a review may be written, and how long after
writing it its author may change it. Pure functions of the rows: the services
enforce them, pages and template tags use them to decide what to offer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from bookings.models import Booking
from core.switches import switch_enabled
from reviews.models import Review

REVIEWS_PAUSED = "New reviews are paused for now. Published reviews still show."


def reviews_accepting() -> bool:
    """Whether clients may write new reviews at all: the ``reviews`` feature
    switch (core.switches). Off, nothing offers or accepts a new review; published
    ones keep showing and their authors may still edit or delete them."""
    return switch_enabled("reviews")


def review_window_closes_at(booking: Booking) -> dt.datetime:
    return booking.end + dt.timedelta(days=settings.REVIEW_WINDOW_DAYS)


def review_window_open(booking: Booking, *, now: dt.datetime | None = None) -> bool:
    """A completed booking that ended at most REVIEW_WINDOW_DAYS ago (or has
    not ended yet: the provider may mark a booking completed early)."""
    now = now or timezone.now()
    return (
        booking.status == Booking.Status.COMPLETED
        and now <= review_window_closes_at(booking)
    )


def review_editable_until(review: Review) -> dt.datetime:
    return review.created_at + dt.timedelta(hours=settings.REVIEW_EDIT_HOURS)


def review_editable(review: Review, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) <= review_editable_until(review)


def author_label(review: Review) -> str:
    """How the public sees a review's author: the initial of their display name,
    else "Verified client". Never the email or the full name."""
    name = (review.author.display_name or "").strip()
    return f"{name[0].upper()}." if name else "Verified client"


def review_window_q(*, prefix: str = "", now: dt.datetime | None = None) -> Q:
    """``review_window_open`` as a filter on bookings."""
    since = (now or timezone.now()) - dt.timedelta(days=settings.REVIEW_WINDOW_DAYS)
    return Q(
        **{f"{prefix}status": Booking.Status.COMPLETED, f"{prefix}end__gte": since}
    )
