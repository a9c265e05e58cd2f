"""Public availability of a profile: the start times a client may request."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.availability import Slot, bookable_slots, check_date_range
from bookings.selectors import profile_live_get
from directory.models import EscortProfilePage

DEFAULT_DAYS = 14


def _public_profile(profile_id: int) -> EscortProfilePage:
    return profile_live_get(profile_id=profile_id)


def _home_zone(profile: EscortProfilePage) -> str:
    return profile.home_city.time_zone if profile.home_city else "UTC"


def _takes_bookings(profile: EscortProfilePage) -> bool:
    return profile.contact_preference != EscortProfilePage.ContactPreference.MESSAGES


class AvailabilitySlotSerializer(serializers.Serializer):
    class Meta:
        ref_name = "EscortAvailabilitySlot"

    start = serializers.DateTimeField(default_timezone=dt.UTC, help_text="In UTC.")
    local_start = serializers.SerializerMethodField(
        help_text="The same instant in the time zone of the slot's city."
    )
    city_id = serializers.IntegerField(source="city.pk")
    durations = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Rate durations (minutes) that can start here.",
    )

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_local_start(self, slot: Slot) -> str:
        return slot.start.astimezone(ZoneInfo(slot.city.time_zone)).isoformat()


class AvailabilityCitySerializer(serializers.Serializer):
    class Meta:
        ref_name = "EscortAvailabilityCity"

    id = serializers.IntegerField()
    name = serializers.CharField(source="title")
    time_zone = serializers.CharField()


class AvailabilityApi(APIView):
    """Bookable start times of a public profile over a range of local dates (at
    most 62), each with the rate durations that fit there."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EscortAvailabilityQuery"

        def get_fields(self) -> dict[str, serializers.Field]:
            # "from" is a Python keyword: it cannot be a class attribute.
            return {
                "from": serializers.DateField(
                    required=False,
                    help_text="First local date. Default: today in the home city.",
                ),
                "to": serializers.DateField(
                    required=False,
                    help_text="Last local date, included. Default: from + 13 days.",
                ),
            }

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EscortAvailability"

        profile_id = serializers.IntegerField()
        time_zone = serializers.CharField(help_text="The home city's time zone.")
        accepts_bookings = serializers.BooleanField(
            help_text="False: the profile takes messages only, never a slot."
        )
        cities = AvailabilityCitySerializer(
            many=True, help_text="The cities of the slots: home, or a tour's."
        )
        slots = AvailabilitySlotSerializer(many=True)

        def get_fields(self) -> dict[str, serializers.Field]:
            # The range actually answered, defaults applied ("from" is a keyword).
            return {
                "from": serializers.DateField(),
                "to": serializers.DateField(),
                **super().get_fields(),
            }

    @extend_schema(
        parameters=[InputSerializer],
        responses={200: OutputSerializer},
        operation_id="escort_availability",
    )
    def get(self, request: Request, profile_id: int) -> Response:
        profile = _public_profile(profile_id)
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        today = timezone.now().astimezone(ZoneInfo(_home_zone(profile))).date()
        date_from = params.validated_data.get("from") or today
        date_to = params.validated_data.get("to") or date_from + dt.timedelta(
            days=DEFAULT_DAYS - 1
        )
        check_date_range(date_from=date_from, date_to=date_to)
        accepts = _takes_bookings(profile)
        slots = (
            bookable_slots(profile=profile, date_from=date_from, date_to=date_to)
            if accepts
            else []
        )
        data = {
            "profile_id": profile.pk,
            "time_zone": _home_zone(profile),
            "accepts_bookings": accepts,
            "from": date_from,
            "to": date_to,
            "cities": list({slot.city.pk: slot.city for slot in slots}.values()),
            "slots": slots,
        }
        return Response(self.OutputSerializer(data).data)
