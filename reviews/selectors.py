"""Reads of reviews. What the public may see has one home, ``public_reviews_q``
(published, and the profile's reviews switched on); everything else is scoped
to the acting user (docs/architecture.md, invariant 8): a review you are
neither the author of nor on the provider side of is "not found"."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts.models import User
from bookings.models import Booking
from bookings.selectors import bookings_visible_to
from core.exceptions import NotFound
from core.ids import MAX_ID
from directory.models import EscortProfilePage
from directory.selectors import profiles_editable_by
from reviews.models import ProfileReviewSettings, Review
from reviews.rules import review_window_q


def public_reviews_q(*, prefix: str = "") -> Q:
    """The one home of "the public may see this review": published, on a
    profile whose provider turned reviews on. Off hides them all at once."""
    return Q(
        **{
            f"{prefix}status": Review.Status.PUBLISHED,
            f"{prefix}profile__review_settings__reviews_enabled": True,
        }
    )


def public_reviews_for(*, profile: EscortProfilePage) -> QuerySet[Review]:
    return (
        Review.objects.filter(public_reviews_q(), profile=profile)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


def reviews_enabled(*, profile: EscortProfilePage) -> bool:
    return ProfileReviewSettings.objects.filter(
        profile=profile, reviews_enabled=True
    ).exists()


def review_settings_of(*, profiles: list[EscortProfilePage]) -> dict[int, bool]:
    """Whether reviews are on, per profile id (no row: off), in one query."""
    enabled = dict(
        ProfileReviewSettings.objects.filter(profile__in=profiles).values_list(
            "profile_id", "reviews_enabled"
        )
    )
    return {profile.pk: enabled.get(profile.pk, False) for profile in profiles}


def _checked_id(review_id: int) -> int:
    if not 0 < review_id <= MAX_ID:
        raise NotFound("Review not found.")
    return review_id


def reviews_by(*, user: User) -> QuerySet[Review]:
    """The user's own reviews, newest first, with what "My reviews" shows."""
    if not user.is_authenticated:
        return Review.objects.none()
    return (
        Review.objects.filter(author=user)
        .select_related("profile", "author", "booking", "booking__city")
        .order_by("-created_at", "-id")
    )


def review_of_author_get(*, user: User, review_id: int) -> Review:
    review = reviews_by(user=user).filter(pk=_checked_id(review_id)).first()
    if review is None:
        raise NotFound("Review not found.")
    return review


def reviews_for_provider(*, user: User) -> QuerySet[Review]:
    """Reviews of the profiles ``user`` is on the provider side of (owner or
    agency member), waiting or published, newest first. What a moderator
    rejected or hid is not shown to them: it was refused for a reason (personal
    data, threats) and is no part of their page."""
    return (
        Review.objects.filter(
            profile__in=profiles_editable_by(user=user),
            status__in=(Review.Status.PENDING, Review.Status.PUBLISHED),
        )
        .select_related("profile", "author", "booking", "booking__city")
        .order_by("-created_at", "-id")
    )


def review_for_provider_get(*, user: User, review_id: int) -> Review:
    review = reviews_for_provider(user=user).filter(pk=_checked_id(review_id)).first()
    if review is None:
        raise NotFound("Review not found.")
    return review


def booking_for_review_get(*, user: User, booking_id: int) -> Booking:
    """One of ``user``'s own bookings as client, with its profile and any review
    (a reverse one-to-one, joined in). Anyone else's booking is "not found"."""
    booking = (
        bookings_visible_to(user=user)
        .filter(client=user, pk=booking_id if 0 < booking_id <= MAX_ID else 0)
        .select_related("profile", "city", "review")
        .first()
    )
    if booking is None:
        raise NotFound("Booking not found.")
    return booking


def review_queue() -> QuerySet[Review]:
    """The moderators' queue: waiting reviews first, oldest first; then the
    rest. ``queue_order`` sorts the two groups."""
    return (
        Review.objects.select_related("profile", "booking", "author")
        .annotate(
            queue_order=Case(
                When(status=Review.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("queue_order", "created_at", "id")
    )


def bookings_awaiting_review(*, user: User) -> QuerySet[Booking]:
    """The client's completed bookings still in the review window, not yet
    reviewed, with a profile that takes reviews: soonest to close first."""
    if not user.is_authenticated:
        return Booking.objects.none()
    return (
        Booking.objects.filter(
            review_window_q(),
            client=user,
            review__isnull=True,
            profile__review_settings__reviews_enabled=True,
        )
        .select_related("profile", "city")
        .order_by("end", "pk")
    )
