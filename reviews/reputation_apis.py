"""The private client reputation over /api/v1/ (docs/reputation.md):

- ``GET/PUT /bookings/{id}/assessment``: the provider side's assessment of a
  booking's client; the client and everyone else get 404.
- ``GET /clients/{id}/reputation``: the summary, for providers the client
  requested a booking from or wrote to; everyone else 404."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.exceptions import NotFound
from reviews.models import ClientAssessment
from reviews.reputation import (
    assessable_booking_get,
    assessment_editable_until,
    assessment_of,
    assessment_record,
    client_reputation_for,
)


class AssessmentOutputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ClientAssessment"

    booking = serializers.IntegerField(source="booking_id")
    showed_up = serializers.BooleanField()
    respectful = serializers.BooleanField(allow_null=True)
    would_see_again = serializers.BooleanField(allow_null=True)
    recorded_at = serializers.DateTimeField(source="created_at")
    editable_until = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_editable_until(self, assessment: ClientAssessment) -> str:
        return serializers.DateTimeField().to_representation(
            assessment_editable_until(assessment=assessment)
        )


class BookingAssessmentApi(APIView):
    """Private to the booking's provider side: never shown to the client, never
    shown to other providers except as part of the aggregated summary."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bookings"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ClientAssessmentInput"

        showed_up = serializers.BooleanField(
            help_text="False for a no-show (required to be false then)."
        )
        respectful = serializers.BooleanField(
            required=False, allow_null=True, default=None
        )
        would_see_again = serializers.BooleanField(
            required=False, allow_null=True, default=None
        )

    @extend_schema(
        responses={
            200: AssessmentOutputSerializer,
            404: OpenApiResponse(
                description="not_found: no such booking on your provider side, "
                "or no assessment yet."
            ),
        },
        operation_id="booking_assessment",
    )
    def get(self, request: Request, booking_id: int) -> Response:
        booking = assessable_booking_get(user=request.user, booking_id=booking_id)
        assessment = assessment_of(booking=booking)
        if assessment is None:
            raise NotFound("No assessment yet.")
        return Response(AssessmentOutputSerializer(assessment).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: AssessmentOutputSerializer,
            201: AssessmentOutputSerializer,
            409: OpenApiResponse(
                description="conflict: the booking is neither completed nor a "
                "no-show, or the assessment is older than 7 days."
            ),
        },
        operation_id="booking_assessment_put",
    )
    def put(self, request: Request, booking_id: int) -> Response:
        booking = assessable_booking_get(user=request.user, booking_id=booking_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment, created = assessment_record(
            booking=booking, actor=request.user, **data.validated_data
        )
        return Response(
            AssessmentOutputSerializer(assessment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ClientReputationOutputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ClientReputation"

    account_age_days = serializers.IntegerField()
    email_verified = serializers.BooleanField()
    identity_verified = serializers.BooleanField()
    completed_bookings = serializers.IntegerField()
    no_show_rate = serializers.FloatField(
        allow_null=True, help_text="No-shows / (completed + no-shows); null: none."
    )
    would_see_again_share = serializers.FloatField(
        allow_null=True,
        help_text="Share of distinct providers whose latest assessment says they "
        "would see the client again; null until 3 providers assessed.",
    )
    enough_assessments = serializers.BooleanField()


class ClientReputationApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bookings"

    @extend_schema(
        responses={
            200: ClientReputationOutputSerializer,
            404: OpenApiResponse(
                description="not_found: not a client who requested a booking from "
                "or wrote to one of your profiles."
            ),
        },
        operation_id="client_reputation",
    )
    def get(self, request: Request, client_id: int) -> Response:
        reputation = client_reputation_for(viewer=request.user, client_id=client_id)
        return Response(ClientReputationOutputSerializer(reputation).data)
