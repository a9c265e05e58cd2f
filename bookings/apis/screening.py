"""GET/PUT /api/v1/me/profiles/{id}/screening: what a provider (or their agency's
manager) asks of clients before a first message or a booking request. Someone
else's profile is 404 (docs/reputation.md)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from bookings.screening import MAX_MIN_COMPLETED, screening_for, screening_set
from directory.selectors import profile_editable_get


class ScreeningSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ScreeningRequirements"

    verified_only = serializers.BooleanField(
        default=False, help_text="Only clients whose identity is verified."
    )
    min_completed_bookings = serializers.IntegerField(
        min_value=0,
        max_value=MAX_MIN_COMPLETED,
        default=0,
        help_text="Completed bookings with any provider on the site; 0: none.",
    )
    no_recent_no_show = serializers.BooleanField(
        default=False, help_text="No no-show in the last 90 days."
    )
    for_first_contact = serializers.BooleanField(
        default=True, help_text="Apply to the first message of a conversation."
    )
    for_booking_requests = serializers.BooleanField(
        default=True, help_text="Apply to booking requests."
    )


class MyScreeningApi(APIView):
    """A client who does not meet them gets 403 ``screening_not_met`` with a
    neutral message, never which requirement was missed."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bookings"

    @extend_schema(responses=ScreeningSerializer, operation_id="my_screening")
    def get(self, request: Request, profile_id: int) -> Response:
        profile = profile_editable_get(user=request.user, profile_id=profile_id)
        return Response(ScreeningSerializer(screening_for(profile=profile)).data)

    @extend_schema(
        request=ScreeningSerializer,
        responses=ScreeningSerializer,
        operation_id="my_screening_update",
    )
    def put(self, request: Request, profile_id: int) -> Response:
        data = ScreeningSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        screening = screening_set(
            actor=request.user, profile_id=profile_id, values=data.validated_data
        )
        return Response(ScreeningSerializer(screening).data)
