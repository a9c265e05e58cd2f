"""Reviews on providers' terms, and a private client reputation
(docs/reviews.md).

- A review belongs to one completed booking, by its client (invariant 4): the
  booking is the review's unique key, so a second review of it is refused by
  the database.
- Reviews are off unless the provider turns them on for the profile
  (``ProfileReviewSettings``); off hides the existing ones everywhere.
- ``ClientAssessment`` is a provider's private note on a client after a
  completed booking or a no-show: never shown one by one, only aggregated."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimestampedModel

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
REVIEW_TEXT_MAX = 1500
REPLY_TEXT_MAX = 1000


class ProfileReviewSettings(TimestampedModel):
    """The provider's switch, per profile. Not part of the profile's revisions:
    turning reviews on or off takes effect at once, without moderation."""

    profile = models.OneToOneField(
        "directory.EscortProfilePage",
        on_delete=models.CASCADE,
        related_name="review_settings",
    )
    reviews_enabled = models.BooleanField(_("show reviews"), default=False)

    def __str__(self) -> str:
        return f"{self.profile_id}: {'on' if self.reviews_enabled else 'off'}"


class ReviewQuerySet(models.QuerySet):
    def published(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.PUBLISHED)


class Review(TimestampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not published")
        HIDDEN = "hidden", _("Hidden by a moderator")

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, related_name="review"
    )
    profile = models.ForeignKey(
        "directory.EscortProfilePage", on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    punctuality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    communication = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    as_described = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    text = models.TextField(max_length=REVIEW_TEXT_MAX)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderation_reason = models.CharField(max_length=500, blank=True)
    reply = models.TextField(blank=True, max_length=REPLY_TEXT_MAX)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["profile", "-created_at"],
                condition=Q(status="published"),
                name="reviews_published_by_profile",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="reviews_pending_queue",
            ),
        ]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5})
                    | (Q(**{f"{field}__isnull": True}) if field != "rating" else Q()),
                    name=f"reviews_{field}_1_to_5",
                )
                for field in ("rating", "punctuality", "communication", "as_described")
            ),
            models.CheckConstraint(
                condition=Q(reply="") | Q(replied_at__isnull=False),
                name="reviews_reply_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Review #{self.pk} ({self.rating}/5)"


class ClientAssessment(TimestampedModel):
    """A provider's private assessment of a client after a completed booking or a
    no-show: never shown individually, never to the client, never publicly."""

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, related_name="assessment"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    showed_up = models.BooleanField()
    respectful = models.BooleanField(null=True, blank=True)
    would_see_again = models.BooleanField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client"], name="reviews_assessment_client")]

    def __str__(self) -> str:
        return f"Assessment of booking {self.booking_id}"
