"""The dashboards' figures as JSON (docs/analytics.md, "Provider and agency
dashboards"): GET /api/v1/me/analytics for a provider's profile and
GET /api/v1/agency/analytics for an agency's escorts. Same selectors and
scopes as the pages: a profile outside them is 404, a bad period 400."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.periods import DASHBOARD_DAYS, Period, period_parse
from analytics.selectors import (
    SORTS,
    earning_rows,
    per_profile_table,
    profile_figures,
    profiles_of_agency,
)
from core.ids import MAX_PAGE_ID
from directory.agency_selectors import agency_membership_get
from directory.models import EscortProfilePage
from directory.selectors import profile_editable_get

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "days",
        OpenApiTypes.INT,
        enum=list(DASHBOARD_DAYS),
        description="The last n days up to today (default 30).",
    ),
    OpenApiParameter(
        "start",
        OpenApiTypes.DATE,
        description="Instead of days: the first day (at most 2 years before end).",
    ),
    OpenApiParameter(
        "end", OpenApiTypes.DATE, description="The last day; today if omitted."
    ),
]


def _period(request: Request) -> Period:
    params = request.query_params
    return period_parse(
        days=params.get("days"), start=params.get("start"), end=params.get("end")
    )


class PeriodSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AnalyticsPeriod"

    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()


class EarningSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AnalyticsEarning"

    currency = serializers.CharField()
    amount_minor = serializers.IntegerField(help_text="Minor units (cents).")


class CountsSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AnalyticsCounts"

    views = serializers.IntegerField()
    impressions = serializers.IntegerField(help_text="Shown in search results.")
    gallery_opens = serializers.IntegerField()
    contact_clicks = serializers.IntegerField()
    conversations = serializers.IntegerField()
    replies = serializers.IntegerField()
    booking_requests = serializers.IntegerField()
    bookings_confirmed = serializers.IntegerField()
    bookings_completed = serializers.IntegerField()
    acceptance = serializers.FloatField(
        allow_null=True, help_text="Confirmed / requests, percent."
    )
    completion = serializers.FloatField(
        allow_null=True, help_text="Completed / confirmed, percent."
    )
    conversion = serializers.FloatField(
        allow_null=True, help_text="Requests / views, percent."
    )
    response_minutes = serializers.FloatField(
        allow_null=True, help_text="Average time to a first reply."
    )


class DaySerializer(CountsSerializer):
    class Meta:
        ref_name = "AnalyticsDay"

    day = serializers.DateField()
    earnings = EarningSerializer(many=True, source="earning_rows")


class AgencyRowSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AgencyAnalyticsRow"

    profile_id = serializers.IntegerField()
    name = serializers.CharField()
    totals = CountsSerializer(source="counts")
    earnings = EarningSerializer(many=True, source="earning_rows")


class ExposureSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AnalyticsExposure"

    impressions = serializers.IntegerField()
    first_page_impressions = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    fair_share = serializers.FloatField(allow_null=True)
    ratio = serializers.FloatField(
        allow_null=True, help_text="share / fair share; 1.0 is an even rotation."
    )


class MyAnalyticsApi(APIView):
    """A provider's figures for one profile: their own, or with ``profile`` one
    they manage. Any other profile is 404."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MyAnalyticsQuery"

        profile = serializers.IntegerField(
            min_value=1, max_value=MAX_PAGE_ID, required=False
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MyAnalytics"

        profile_id = serializers.IntegerField()
        period = PeriodSerializer()
        totals = CountsSerializer()
        previous = CountsSerializer(help_text="The same number of days before.")
        exposure = ExposureSerializer()
        earnings = EarningSerializer(many=True)
        days = DaySerializer(many=True)

    @extend_schema(
        parameters=[InputSerializer, *PERIOD_PARAMETERS],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A bad period (invalid_period)."),
            404: OpenApiResponse(description="No profile of mine (or `profile`)."),
        },
        operation_id="my_analytics",
    )
    def get(self, request: Request) -> Response:
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = _period(request)
        profile = profile_editable_get(
            user=request.user, profile_id=query.validated_data.get("profile")
        )
        figures = profile_figures(
            profiles=EscortProfilePage.objects.filter(pk=profile.pk),
            start=period.start,
            end=period.end,
        )
        data = {
            "profile_id": profile.pk,
            "period": {"start": period.start, "end": period.end, "days": period.days},
            "totals": figures.totals,
            "previous": figures.previous,
            "exposure": figures.exposure,
            "earnings": earning_rows(figures.earnings),
            "days": figures.days,
        }
        return Response(self.OutputSerializer(data).data)


class AgencyAnalyticsApi(APIView):
    """An agency's figures, all escorts together and one row per escort's
    profile. Only its owners and managers; everyone else 404."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AgencyAnalytics"

        agency_id = serializers.IntegerField()
        period = PeriodSerializer()
        totals = CountsSerializer()
        exposure = ExposureSerializer()
        earnings = EarningSerializer(many=True)
        escorts = AgencyRowSerializer(many=True)

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=[*SORTS, *(f"-{key}" for key in SORTS)],
                description="The escorts' order; '-' for highest first.",
            ),
        ],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A bad period or sort."),
            404: OpenApiResponse(description="You do not belong to an agency."),
        },
        operation_id="agency_analytics",
    )
    def get(self, request: Request) -> Response:
        period = _period(request)
        agency = agency_membership_get(user=request.user).agency
        profiles = profiles_of_agency(agency_id=agency.pk)
        table = per_profile_table(
            profiles=profiles,
            start=period.start,
            end=period.end,
            sort=request.query_params.get("sort"),
        )
        figures = profile_figures(profiles=profiles, start=period.start, end=period.end)
        data = {
            "agency_id": agency.pk,
            "period": {"start": period.start, "end": period.end, "days": period.days},
            "totals": figures.totals,
            "exposure": figures.exposure,
            "earnings": earning_rows(figures.earnings),
            "escorts": table,
        }
        return Response(self.OutputSerializer(data).data)
