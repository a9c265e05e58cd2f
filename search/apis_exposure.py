"""GET /api/v1/me/exposure: a provider checks the visibility the rotation gave them.
Lives in the search app because directory must not import search."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directory.selectors import profile_editable_get
from search.exposure import MAX_DAYS, exposure_for_profile


class ExposureApi(APIView):
    """The signed-in provider's own profile, or with ``?profile=<id>`` one of their
    agency's profiles (agency owners and managers). Any other profile is 404."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ExposureQuery"

        profile = serializers.IntegerField(
            min_value=1,
            required=False,
            help_text="An agency profile's id; omit for your own profile.",
        )
        days = serializers.IntegerField(
            min_value=1, max_value=MAX_DAYS, default=7, help_text="Period length."
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Exposure"

        profile_id = serializers.IntegerField()
        city_id = serializers.IntegerField(allow_null=True)
        band = serializers.ChoiceField(choices=["vip", "standard"])
        days = serializers.IntegerField()
        period_start = serializers.DateField()
        period_end = serializers.DateField()
        impressions = serializers.IntegerField()
        first_page_impressions = serializers.IntegerField()
        average_position = serializers.FloatField(allow_null=True)
        band_first_page_impressions = serializers.IntegerField()
        city_first_page_impressions = serializers.IntegerField()
        live_profiles_in_band = serializers.IntegerField()
        share = serializers.FloatField(
            allow_null=True,
            help_text="Your part of your band's first-page impressions in your city.",
        )
        fair_share = serializers.FloatField(
            allow_null=True, help_text="1 / live profiles in your band and city."
        )
        ratio = serializers.FloatField(
            allow_null=True, help_text="share / fair_share; 1.0 is an even rotation."
        )

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: OutputSerializer,
            404: OpenApiResponse(description="No profile of mine (or `profile`)."),
        },
        operation_id="my_exposure",
    )
    def get(self, request: Request) -> Response:
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        profile = profile_editable_get(
            user=request.user, profile_id=query.validated_data.get("profile")
        )
        report = exposure_for_profile(
            profile=profile, days=query.validated_data["days"]
        )
        return Response(self.OutputSerializer(report).data)
