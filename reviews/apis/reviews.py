"""/api/v1/reviews/{id}: the author reads, changes (first 48 hours) and deletes
their review; the provider side replies once and reports. A review you are not
the author of (or, for reply and report, on the provider side of) is 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ids import MAX_PAGE_ID
from core.pagination import CursorPagination, paginated
from directory.selectors import profile_editable_get
from moderation.models import Report
from reviews.apis.serializers import (
    OwnReviewSerializer,
    ProviderReviewSerializer,
    RatingsInput,
)
from reviews.selectors import (
    review_for_provider_get,
    review_of_author_get,
    reviews_by,
    reviews_for_provider,
)
from reviews.services import review_delete, review_edit, review_reply, review_report


class ReviewDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(RatingsInput):
        class Meta:
            ref_name = "ReviewEdit"

        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().__init__(*args, partial=True, **kwargs)

    @extend_schema(responses=OwnReviewSerializer, operation_id="review_detail")
    def get(self, request: Request, review_id: int) -> Response:
        review = review_of_author_get(user=request.user, review_id=review_id)
        return Response(OwnReviewSerializer(review).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OwnReviewSerializer,
            409: OpenApiResponse(description="edit_window_over: after 48 hours."),
        },
        operation_id="review_edit",
    )
    def patch(self, request: Request, review_id: int) -> Response:
        """Change stars or text within 48 hours of writing: the review goes back
        to moderation and through the text check again."""
        review = review_of_author_get(user=request.user, review_id=review_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_edit(review=review, actor=request.user, **data.validated_data)
        return Response(OwnReviewSerializer(review).data)

    @extend_schema(responses={204: None}, operation_id="review_delete")
    def delete(self, request: Request, review_id: int) -> Response:
        """Delete your review, at any time."""
        review = review_of_author_get(user=request.user, review_id=review_id)
        review_delete(review=review, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyReviewListApi(APIView):
    """The signed-in client's reviews, newest first, in every status."""

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination

    @extend_schema(
        responses=OwnReviewSerializer(many=True), operation_id="my_review_list"
    )
    def get(self, request: Request) -> Response:
        return paginated(
            request=request,
            view=self,
            queryset=reviews_by(user=request.user),
            serializer=OwnReviewSerializer,
            ordering=("-created_at", "-id"),
        )


class ReviewReplyApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReviewReply"

        text = serializers.CharField(max_length=10_000, trim_whitespace=False)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: ProviderReviewSerializer,
            409: OpenApiResponse(
                description="already_replied, or the review is not published."
            ),
        },
        operation_id="review_reply",
    )
    def post(self, request: Request, review_id: int) -> Response:
        """The provider side's one public reply to a published review."""
        review = review_for_provider_get(user=request.user, review_id=review_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_reply(
            review=review, actor=request.user, text=data.validated_data["text"]
        )
        return Response(ProviderReviewSerializer(review).data)


class ReviewReportApi(APIView):
    """201 with a new report; 200 with the same report when this user already
    reported this review (the first category and details stand)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReviewReportInput"

        category = serializers.ChoiceField(choices=Report.Category.choices)
        # Length and characters are checked by moderation's service.
        details = serializers.CharField(
            max_length=100_000, allow_blank=True, trim_whitespace=False, default=""
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReviewReport"

        id = serializers.IntegerField()
        category = serializers.CharField()
        status = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, 200: OutputSerializer},
        operation_id="review_report",
    )
    def post(self, request: Request, review_id: int) -> Response:
        review = review_for_provider_get(user=request.user, review_id=review_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report, created = review_report(
            review=review, actor=request.user, **data.validated_data
        )
        return Response(
            self.OutputSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ProfileReviewListApi(APIView):
    """The provider side's view of one of its profiles' reviews: waiting for a
    moderator or published, newest first (reply to and report them by id)."""

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination

    @extend_schema(
        responses=ProviderReviewSerializer(many=True),
        operation_id="my_profile_review_list",
    )
    def get(self, request: Request, profile_id: int) -> Response:
        profile = profile_editable_get(
            user=request.user,
            profile_id=profile_id if 0 < profile_id <= MAX_PAGE_ID else 0,
        )
        return paginated(
            request=request,
            view=self,
            queryset=reviews_for_provider(user=request.user).filter(profile=profile),
            serializer=ProviderReviewSerializer,
            ordering=("-created_at", "-id"),
        )
