"""GET/PUT /api/v1/me/profiles/{id}/availability: a provider's (or their agency's)
weekly hours, dated exceptions and booking policy. Someone else's profile is 404."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    BookingPolicy,
    Weekday,
)
from bookings.selectors import policy_for
from bookings.services import (
    ExceptionInput,
    RuleInput,
    availability_replace,
)
from directory.selectors import profile_editable_get

MAX_RULES = 28
MAX_EXCEPTIONS = 200


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
        "example": "10:00:00",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in the profile's city, without an offset. OpenAPI's
    ``format: time`` (RFC 3339) requires one, so the schema spells it out."""


class PolicySerializer(serializers.Serializer):
    class Meta:
        ref_name = "BookingPolicy"

    requires_acceptance = serializers.BooleanField()
    min_notice_minutes = serializers.IntegerField(min_value=0, max_value=7 * 24 * 60)
    max_days_ahead = serializers.IntegerField(min_value=1, max_value=365)
    buffer_before_minutes = serializers.IntegerField(min_value=0, max_value=240)
    buffer_after_minutes = serializers.IntegerField(min_value=0, max_value=240)
    daily_cap = serializers.IntegerField(min_value=1, max_value=24, allow_null=True)
    cancellation_window_hours = serializers.IntegerField(min_value=0, max_value=336)
    allows_reschedule = serializers.BooleanField()
    request_expiry_hours = serializers.IntegerField(min_value=1, max_value=168)
    deposit_percent = serializers.IntegerField(min_value=0, max_value=100)


class RuleSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AvailabilityRule"

    weekday = serializers.ChoiceField(
        choices=Weekday.choices, help_text="0 = Monday … 6 = Sunday"
    )
    start_time = LocalTimeField()
    end_time = LocalTimeField(
        help_text="At or before start_time: the hours run past midnight."
    )

    def validate(self, data: dict) -> dict:
        if data["start_time"] == data["end_time"]:
            raise serializers.ValidationError(
                {"end_time": ["Start and end are the same time."]}
            )
        return data


class ExceptionSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AvailabilityException"

    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=AvailabilityException.Kind.choices)
    start_time = LocalTimeField(required=False, allow_null=True, default=None)
    end_time = LocalTimeField(required=False, allow_null=True, default=None)

    def validate(self, data: dict) -> dict:
        start, end = data["start_time"], data["end_time"]
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                {"end_time": ["Give both times, or neither for a whole day off."]}
            )
        if start is None and data["kind"] == AvailabilityException.Kind.EXTRA:
            raise serializers.ValidationError(
                {"start_time": ["Extra hours need a start and an end."]}
            )
        if start is not None and start == end:
            raise serializers.ValidationError(
                {"end_time": ["Start and end are the same time."]}
            )
        today = timezone.localdate()
        if (
            not today - dt.timedelta(days=1)
            <= data["date"]
            <= today.replace(year=today.year + 1)
        ):
            raise serializers.ValidationError(
                {"date": ["Between yesterday and a year from now."]}
            )
        return data


class AvailabilitySettingsSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AvailabilitySettings"

    policy = PolicySerializer()
    rules = RuleSerializer(many=True, max_length=MAX_RULES)
    exceptions = ExceptionSerializer(many=True, max_length=MAX_EXCEPTIONS)


def _settings(policy: BookingPolicy) -> dict:
    profile = policy.profile
    return {
        "policy": policy,
        "rules": AvailabilityRule.objects.filter(profile=profile),
        "exceptions": AvailabilityException.objects.filter(profile=profile),
    }


class MyAvailabilityApi(APIView):
    """Hours are in the local time of where the provider is that day (home city,
    or the touring city). PUT replaces hours, exceptions and policy together;
    bookings already made keep their times."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bookings"

    @extend_schema(
        responses=AvailabilitySettingsSerializer, operation_id="my_availability"
    )
    def get(self, request: Request, profile_id: int) -> Response:
        profile = profile_editable_get(user=request.user, profile_id=profile_id)
        policy = policy_for(profile=profile)
        return Response(AvailabilitySettingsSerializer(_settings(policy)).data)

    @extend_schema(
        request=AvailabilitySettingsSerializer,
        responses=AvailabilitySettingsSerializer,
        operation_id="my_availability_replace",
    )
    def put(self, request: Request, profile_id: int) -> Response:
        data = AvailabilitySettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        policy = availability_replace(
            profile_id=profile_id,
            actor=request.user,
            policy=values["policy"],
            rules=[RuleInput(**rule) for rule in values["rules"]],
            exceptions=[ExceptionInput(**item) for item in values["exceptions"]],
        )
        return Response(AvailabilitySettingsSerializer(_settings(policy)).data)
