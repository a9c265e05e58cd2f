"""/api/v1/escorts/{id}/reviews: a live profile's published reviews (none while
its provider has reviews off), and writing one for a completed booking."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.selectors import profile_live_get
from core.exceptions import NotFound
from core.ids import MAX_ID
from core.pagination import CursorPagination, paginated
from reviews.apis.serializers import (
    OwnReviewSerializer,
    PublicReviewSerializer,
    RatingsInput,
)
from reviews.selectors import booking_for_review_get, public_reviews_for
from reviews.services import review_create


class ReviewCollectionApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = CursorPagination  # documents the list as a page

    class InputSerializer(RatingsInput):
        class Meta:
            ref_name = "ReviewCreate"

        booking = serializers.IntegerField(
            min_value=1,
            max_value=MAX_ID,
            help_text="Your completed booking with this profile.",
        )

    @extend_schema(
        responses=PublicReviewSerializer(many=True),
        operation_id="escort_review_list",
    )
    def get(self, request: Request, profile_id: int) -> Response:
        """Published reviews, newest first; an empty page while the provider
        has reviews off."""
        profile = profile_live_get(profile_id=profile_id)
        return paginated(
            request=request,
            view=self,
            queryset=public_reviews_for(profile=profile),
            serializer=PublicReviewSerializer,
            ordering=("-created_at", "-id"),
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OwnReviewSerializer,
            403: OpenApiResponse(
                description="feature_disabled: new reviews are switched off "
                "(feature switches); published reviews still show."
            ),
            404: OpenApiResponse(description="No such profile or booking of yours."),
            409: OpenApiResponse(
                description="review_not_allowed (not completed, or more than 30 "
                "days ago), reviews_off, already_reviewed."
            ),
        },
        operation_id="escort_review_create",
    )
    def post(self, request: Request, profile_id: int) -> Response:
        """Review a completed booking: it waits for a moderator before it shows."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        booking = booking_for_review_get(
            user=request.user, booking_id=fields["booking"]
        )
        if booking.profile_id != profile_id:
            raise NotFound("Booking not found.")
        review = review_create(
            booking=booking,
            author=request.user,
            rating=fields["rating"],
            text=fields["text"],
            punctuality=fields.get("punctuality"),
            communication=fields.get("communication"),
            as_described=fields.get("as_described"),
        )
        return Response(
            OwnReviewSerializer(review).data, status=status.HTTP_201_CREATED
        )
