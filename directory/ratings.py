"""Public ratings on directory's cards, APIs and structured data.

Ratings come from the reviews app, which sits above directory and owns the rule
(``reviews.selectors``: a review is public when published and the provider has
reviews on). It reaches directory through the Wagtail hook
``PROFILE_RATING_HOOK`` (registered in reviews/display_hooks.py), whose
function returns annotations for a queryset of profiles: ``public_rating_on``,
``public_rating_average`` and ``public_rating_count``. Directory never imports
reviews (pyproject.toml, ``[tool.importlinter]``).

Listings annotate their querysets (no extra query per card); a single page
object without the annotations asks once and keeps the answer on the instance.
Without a registered hook every profile simply has no rating."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Expression, QuerySet
from wagtail import hooks

PROFILE_RATING_HOOK = "profile_rating_annotations"
_CACHE = "_public_rating"


@dataclass(frozen=True)
class PublicRating:
    average: Decimal | None  # two decimals; None while there is no review
    count: int

    def as_dict(self) -> dict[str, Any]:
        """The APIs' shape: ``{"average": 4.67, "count": 12}``."""
        average = float(self.average) if self.average is not None else None
        return {"average": average, "count": self.count}


def rating_annotations() -> dict[str, Expression]:
    annotations: dict[str, Expression] = {}
    for hook in hooks.get_hooks(PROFILE_RATING_HOOK):
        annotations |= hook()
    return annotations


def with_public_rating(queryset: QuerySet) -> QuerySet:
    """``queryset`` of profiles, each annotated with its public rating."""
    annotations = rating_annotations()
    return queryset.annotate(**annotations) if annotations else queryset


def annotated_rating(profile: Any) -> PublicRating | None:
    """The rating an annotated (or primed) profile carries, without a query:
    None when reviews are off or the profile was not annotated. What cards read."""
    if _CACHE in profile.__dict__:
        return profile.__dict__[_CACHE]
    if not getattr(profile, "public_rating_on", False):
        return None
    average = profile.public_rating_average
    if average is not None:
        average = Decimal(average).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return PublicRating(average=average, count=profile.public_rating_count or 0)


def rating_of_row(row: dict[str, Any]) -> PublicRating | None:
    """``annotated_rating`` of a profile read as values (``.values()`` with the
    keys of ``rating_annotations``)."""
    return annotated_rating(_Row(row))


def public_rating_of(profile: Any) -> PublicRating | None:
    """The profile's public rating; one query when the instance was neither
    annotated nor primed, then kept on it."""
    if _CACHE in profile.__dict__ or hasattr(profile, "public_rating_on"):
        return annotated_rating(profile)
    rating = None
    annotations = rating_annotations()
    if annotations and profile.pk is not None:
        row = (
            type(profile)
            .objects.filter(pk=profile.pk)
            .annotate(**annotations)
            .values("public_rating_on", "public_rating_average", "public_rating_count")
            .first()
        )
        if row and row["public_rating_on"]:
            rating = annotated_rating(_Row(row))
    prime_public_rating(profile, rating)
    return rating


def aggregate_rating_ld(profile: Any) -> dict[str, Any] | None:
    """The profile's schema.org ``AggregateRating``, only where this site allows
    it (docs/reviews-display.md, "Structured data"): reviews on, at least one
    public review, and a profile its provider advertises for themself: never on
    a profile an agency manages, where the business that publishes the page
    would be marking up reviews of its own service (Google's self-serving
    rule)."""
    if getattr(profile, "agency_id", None) is not None:
        return None
    rating = public_rating_of(profile)
    if rating is None or not rating.count or rating.average is None:
        return None
    return {
        "@type": "AggregateRating",
        "ratingValue": str(rating.average),
        "ratingCount": rating.count,
        "reviewCount": rating.count,
        "bestRating": 5,
        "worstRating": 1,
    }


def prime_public_rating(profile: Any, rating: PublicRating | None) -> None:
    """Keeps a rating computed elsewhere (the profile page's summary) on the
    instance, so the page's JSON-LD does not ask again."""
    profile.__dict__[_CACHE] = rating


class _Row:
    def __init__(self, row: dict[str, Any]) -> None:
        self.__dict__.update(row)
