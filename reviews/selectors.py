"""Reads of reviews: the one home of "a review the public may see" and of the
rating figures built on it (docs/reviews.md). The profile page, the
cards, both APIs, the JSON-LD and the search index all read these. Everything
else is scoped to the acting user (docs/architecture.md, invariant 8): a review
you are neither the author of nor on the provider side of is "not found".

A review is public when it is published AND its profile's provider has reviews
turned on (``ProfileReviewSettings.reviews_enabled``): turning them off hides
every review at once, without touching the reviews themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    Expression,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round, TruncMonth
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from bookings.selectors import bookings_visible_to
from core.exceptions import NotFound
from core.ids import MAX_ID
from directory.models import EscortProfilePage
from directory.selectors import profiles_editable_by
from reviews.models import ProfileReviewSettings, Review
from reviews.rules import review_window_q

ASPECTS = ("punctuality", "communication", "as_described")
STARS = (5, 4, 3, 2, 1)
_TWO_PLACES = Decimal("0.01")
_AVERAGE_FIELD = DecimalField(max_digits=3, decimal_places=2)


def reviews_enabled(*, profile_ref: str = "pk") -> Exists:
    """The provider turned reviews on for the profile whose id the outer query
    names ``profile_ref``. An EXISTS, not a join: a profile without a settings
    row has reviews off."""
    return Exists(
        ProfileReviewSettings.objects.filter(
            profile_id=OuterRef(profile_ref), reviews_enabled=True
        )
    )


def public_reviews_q() -> Q:
    """The one home of "the public may see this review": published, on a profile
    whose reviews are on."""
    return Q(status=Review.Status.PUBLISHED) & Q(
        reviews_enabled(profile_ref="profile_id")
    )


def public_reviews() -> QuerySet[Review]:
    return Review.objects.filter(public_reviews_q())


def public_reviews_for(*, profile: EscortProfilePage) -> QuerySet[Review]:
    """The profile's public reviews, newest first, with what a review shows (an
    initial of the author's name at most, reviews.rules)."""
    return (
        public_reviews()
        .filter(profile_id=profile.pk)
        .select_related("author")  # the shown initial ("M.") comes from it
        .order_by("-created_at", "-id")
    )


def reviews_enabled_for(*, profile: EscortProfilePage) -> bool:
    return ProfileReviewSettings.objects.filter(
        profile_id=profile.pk, reviews_enabled=True
    ).exists()


# --- Figures ------------------------------------------------------------------------


def round_average(value: Any) -> Decimal | None:
    """Averages are shown and stored to two decimals, half up (4.665 -> 4.67)."""
    if value is None:
        return None
    return Decimal(value).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RatingBar:
    stars: int
    count: int
    percent: int  # of all public reviews, rounded; a bar's width


@dataclass(frozen=True)
class RatingSummary:
    average: Decimal | None
    count: int
    distribution: dict[int, int] = field(default_factory=dict)  # stars -> reviews
    aspects: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def bars(self) -> list[RatingBar]:
        """Five stars first, as rating distributions are read."""
        total = self.count or 1
        return [
            RatingBar(s, n, round(100 * n / total))
            for s in STARS
            for n in [self.distribution.get(s, 0)]
        ]

    @property
    def aspect_list(self) -> list[tuple[str, Decimal]]:
        return [(name, value) for name, value in self.aspects.items() if value]


def _summary_aggregates() -> dict[str, Any]:
    figures: dict[str, Any] = {
        "average": Avg("rating", output_field=_AVERAGE_FIELD),
        "count": Count("pk"),
    }
    figures |= {f"stars_{s}": Count("pk", filter=Q(rating=s)) for s in STARS}
    figures |= {a: Avg(a, output_field=_AVERAGE_FIELD) for a in ASPECTS}
    return figures


def rating_summary_for(*, profile: EscortProfilePage) -> RatingSummary | None:
    """Average (two decimals), count, distribution 1..5 and aspect averages of
    the profile's public reviews; None when the provider has reviews off. Two
    queries at most, however many reviews."""
    if not reviews_enabled_for(profile=profile):
        return None
    row = (
        public_reviews()
        .filter(profile_id=profile.pk)
        .aggregate(**_summary_aggregates())
    )
    return RatingSummary(
        average=round_average(row["average"]),
        count=row["count"],
        distribution={s: row[f"stars_{s}"] for s in STARS},
        aspects={a: round_average(row[a]) for a in ASPECTS},
    )


@dataclass(frozen=True)
class ProfileRating:
    """What a listing shows of a profile's rating: average and count."""

    average: Decimal | None
    count: int


def rating_annotations(*, profile_ref: str = "pk") -> dict[str, Expression]:
    """Annotations for a queryset of profiles (``profile_ref`` names the profile
    id in it): ``public_rating_on`` (reviews on), ``public_rating_average`` and
    ``public_rating_count`` of the public reviews. Correlated subqueries over
    the published-reviews index: a page of profiles costs no extra query."""
    mine = public_reviews().filter(profile_id=OuterRef(profile_ref)).order_by()
    per_profile = mine.values("profile_id")
    average = per_profile.annotate(a=Round(Avg("rating"), 2)).values("a")
    count = per_profile.annotate(n=Count("pk")).values("n")
    return {
        "public_rating_on": reviews_enabled(profile_ref=profile_ref),
        "public_rating_average": Subquery(average, output_field=_AVERAGE_FIELD),
        "public_rating_count": Coalesce(
            Subquery(count, output_field=IntegerField()), 0
        ),
    }


def ratings_for(*, profile_ids: list[int]) -> dict[int, ProfileRating]:
    """The bulk variant for listings: one query for any number of profiles.
    Profiles with reviews off are absent from the answer."""
    rows = (
        ProfileReviewSettings.objects.filter(
            profile_id__in=profile_ids, reviews_enabled=True
        )
        .annotate(**rating_annotations(profile_ref="profile_id"))
        .values_list("profile_id", "public_rating_average", "public_rating_count")
    )
    return {
        pk: ProfileRating(round_average(average), count) for pk, average, count in rows
    }


# --- Analytics ----------------------------------------------------------------------


def monthly_rating_for(
    *, profile_ids: list[int], months: int = 12, today: dt.date | None = None
) -> list[tuple[dt.date, Decimal | None, int]]:
    """Average rating and count of published reviews per calendar month (by the
    review's date), the last ``months`` months oldest first; a month without
    reviews has no average. The provider's own figure: it counts published
    reviews whether or not they are shown right now. One query."""
    today = today or timezone.localdate()
    firsts = _month_starts(today, months)
    rows = (
        Review.objects.published()
        .filter(profile_id__in=profile_ids, created_at__date__gte=firsts[0])
        .annotate(month=TruncMonth("created_at"))
        .order_by()
        .values("month")
        .annotate(average=Avg("rating", output_field=_AVERAGE_FIELD), n=Count("pk"))
    )
    by_month = {row["month"].date(): row for row in rows}
    return [
        (first, round_average(by_month[first]["average"]), by_month[first]["n"])
        if first in by_month
        else (first, None, 0)
        for first in firsts
    ]


def _month_starts(today: dt.date, months: int) -> list[dt.date]:
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def reply_rate_for(*, profile_ids: list[int]) -> tuple[int, int]:
    """(replied, total) over the profiles' published reviews, whether or not
    reviews are shown right now: the provider's own figure. One query."""
    row = Review.objects.filter(
        profile_id__in=profile_ids, status=Review.Status.PUBLISHED
    ).aggregate(total=Count("pk"), replied=Count("pk", filter=~Q(reply="")))
    return row["replied"], row["total"]


# --- Scoped to the acting user -------------------------------------------------------


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


def review_reportable_get(*, user: User, review_id: int) -> Review:
    """A review ``user`` may report (moderation.reporting): one the public sees
    on a profile that is shown, or, on the provider side, one of their own
    profiles' reviews. Anything else is "not found"."""
    shown = public_reviews_q() & Q(profile__in=EscortProfilePage.objects.showable())
    own = Q(pk__in=reviews_for_provider(user=user).values("pk"))
    review = (
        Review.objects.filter(shown | own)
        .select_related("profile", "author")
        .filter(pk=_checked_id(review_id))
        .first()
    )
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
