"""Template helpers of reviews: formatting, and the window rule of
reviews.rules for the link on a client's booking (no query)."""

from __future__ import annotations

from django import template

from bookings.models import Booking
from reviews.rules import review_window_open, reviews_accepting

register = template.Library()


@register.filter
def review_open(booking: Booking) -> bool:
    """True for a completed booking still inside the review window, while new
    reviews are accepted at all (the reviews switch: read once per request)."""
    return review_window_open(booking) and reviews_accepting()


@register.filter
def stars(value: int | None) -> str:
    """★★★★☆ for 4; empty for None. Decorative: say the number in text too."""
    if not value:
        return ""
    return "★" * value + "☆" * (5 - value)
