"""Reporting a message to the moderators, from inside one's conversation."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.ids import MAX_ID
from messaging.apis.base import MessagingApi
from messaging.services import thread_report
from moderation.models import Report


class ThreadReportApi(MessagingApi):
    """201 with a new report; 200 with the same report when this user already
    reported this message (idempotent: a retry or a double click files nothing
    twice, and the first category and details stand)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ThreadReport"

        message = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        category = serializers.ChoiceField(choices=Report.Category.choices)
        # Length and characters are checked by the service, like message bodies.
        details = serializers.CharField(
            max_length=100_000, allow_blank=True, trim_whitespace=False, default=""
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Report"

        id = serializers.IntegerField()
        category = serializers.CharField()
        priority = serializers.ChoiceField(choices=Report.Priority.choices)
        status = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, 200: OutputSerializer},
        operation_id="thread_report",
    )
    def post(self, request: Request, thread_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report, created = thread_report(
            thread_id=thread_id,
            user=request.user,
            message_id=data.validated_data["message"],
            category=data.validated_data["category"],
            details=data.validated_data["details"],
        )
        return Response(
            self.OutputSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
