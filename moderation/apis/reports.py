"""/api/v1/reports and /api/v1/me/reports (docs/reporting.md): report a
profile, a photo, a review or a user; list one's own reports with their
outcome. Messages are reported inside their conversation
(/api/v1/threads/{id}/report)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from core.ids import MAX_ID
from core.pagination import CursorPagination, paginated
from moderation.models import Report
from moderation.reporting import (
    AnonymousReportThrottle,
    TargetKind,
    report_file,
    report_target_get,
)
from moderation.reporting_selectors import (
    report_outcome,
    report_target_kind,
    reports_of,
)

TARGET_TYPES = [*TargetKind.values, "message", "safety", "other"]


class ReportSerializer(serializers.Serializer):
    class Meta:
        ref_name = "FiledReport"

    id = serializers.IntegerField()
    target_type = serializers.SerializerMethodField()
    target_id = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Report.Category.choices)
    priority = serializers.ChoiceField(choices=Report.Priority.choices)
    status = serializers.ChoiceField(choices=Report.Status.choices)
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ChoiceField(choices=TARGET_TYPES))
    def get_target_type(self, report: Report) -> str:
        return report_target_kind(report)


class OwnReportSerializer(ReportSerializer):
    class Meta:
        ref_name = "OwnReport"

    closed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.SerializerMethodField(
        help_text="What became of it, without details about the other party."
    )

    def get_outcome(self, report: Report) -> str:
        return report_outcome(report)


class ReportCollectionApi(APIView):
    """201 with a new report; 200 with the first one when the caller (or, not
    signed in, this session) already reported the same thing: the first
    category and details stand."""

    permission_classes = [AllowAny]  # visitors may report profiles

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReportCreate"

        target_type = serializers.ChoiceField(choices=TargetKind.choices)
        target_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        category = serializers.ChoiceField(choices=Report.Category.choices)
        # Length and characters are checked by moderation's service.
        details = serializers.CharField(
            max_length=100_000, allow_blank=True, trim_whitespace=False, default=""
        )

    def get_throttles(self) -> list[BaseThrottle]:
        return [*super().get_throttles(), AnonymousReportThrottle()]

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OpenApiResponse(ReportSerializer, description="Filed."),
            200: OpenApiResponse(ReportSerializer, description="Already reported."),
            400: OpenApiResponse(
                description="validation_error: a reason not listed for this "
                "type, details too long or with control characters."
            ),
            401: OpenApiResponse(
                description="not_authenticated: only profiles may be reported "
                "without signing in."
            ),
            404: OpenApiResponse(description="Nothing you can see has this id."),
            429: OpenApiResponse(
                description="throttled: too many reports from this address "
                "(not signed in)."
            ),
        },
        operation_id="report_create",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = report_target_get(
            kind=data.validated_data["target_type"],
            target_id=data.validated_data["target_id"],
            user=request.user,
        )
        report, created = report_file(
            target=target,
            reporter=request.user,
            category=data.validated_data["category"],
            details=data.validated_data["details"],
            session_key=_session_key(request),
        )
        return Response(
            ReportSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _session_key(request: Request) -> str:
    """An anonymous caller's session (created if it has none): a client that
    keeps the cookie has its repeats answered with the first report."""
    if request.user.is_authenticated:
        return ""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


class MyReportListApi(APIView):
    """The caller's own reports, newest first, with status and outcome."""

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination  # documents the list as a page

    @extend_schema(
        responses={
            200: OwnReportSerializer(many=True),
            401: OpenApiResponse(description="not_authenticated"),
        },
        operation_id="my_report_list",
    )
    def get(self, request: Request) -> Response:
        return paginated(
            request=request,
            view=self,
            queryset=reports_of(user=request.user),
            serializer=OwnReportSerializer,
            ordering=("-created_at", "-id"),
        )
