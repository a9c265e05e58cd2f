"""What the review endpoints answer: the public view of a review (no email, no
booking, the author as an initial), and the author's own view with its status."""

from __future__ import annotations

import datetime as dt

from rest_framework import serializers

from reviews.models import Review
from reviews.rules import author_label, review_editable_until


class PublicReviewSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Review"

    id = serializers.IntegerField()
    rating = serializers.IntegerField(help_text="1 to 5 stars.")
    punctuality = serializers.IntegerField(allow_null=True)
    communication = serializers.IntegerField(allow_null=True)
    as_described = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    author = serializers.SerializerMethodField(
        help_text='The initial of the author\'s display name, or "Verified client".'
    )
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    reply = serializers.CharField(help_text="The provider's reply; empty if none.")
    replied_at = serializers.DateTimeField(allow_null=True)

    def get_author(self, review: Review) -> str:
        return author_label(review)


class OwnReviewSerializer(PublicReviewSerializer):
    """The author's view (and the provider side's): where the review stands."""

    class Meta:
        ref_name = "OwnReview"

    status = serializers.ChoiceField(choices=Review.Status.choices)
    profile_id = serializers.IntegerField()
    booking_id = serializers.IntegerField()
    moderation_reason = serializers.CharField(
        help_text="Why a moderator did not publish it or hid it; else empty."
    )
    editable_until = serializers.SerializerMethodField()

    def get_editable_until(self, review: Review) -> dt.datetime:
        return review_editable_until(review)


class RatingsInput(serializers.Serializer):
    """Stars: ``rating`` required on create, the aspects optional (null clears)."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    punctuality = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False
    )
    communication = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False
    )
    as_described = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False
    )
    # Length and content (the text check) are checked by the service.
    text = serializers.CharField(max_length=10_000, trim_whitespace=False)


class ProviderReviewSerializer(PublicReviewSerializer):
    """The provider side's view: the public fields and where the review stands."""

    class Meta:
        ref_name = "ProviderReview"

    status = serializers.ChoiceField(choices=Review.Status.choices)
    profile_id = serializers.IntegerField()
