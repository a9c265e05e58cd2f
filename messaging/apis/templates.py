"""/api/v1/messages/templates: a provider's message templates and their
agency's shared ones (docs/agency-tools.md). List and create; read, change and
delete one. A template one may not change is 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.pagination import CursorPagination, paginated
from messaging.apis.base import MessagingApi
from messaging.message_templates import (
    message_template_create,
    message_template_delete,
    message_template_get,
    message_template_update,
    message_templates_for,
)


def _text() -> serializers.CharField:
    # Long inputs reach the service, which answers with the limit in words.
    # A new field each time: a DRF field binds to one name.
    return serializers.CharField(
        max_length=100_000, allow_blank=True, trim_whitespace=False
    )


class MessageTemplateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MessageTemplate"

    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    shared = serializers.BooleanField(source="is_shared")
    agency_name = serializers.CharField(
        source="agency.name", allow_null=True, default=None
    )
    updated_at = serializers.DateTimeField()


BAD_INPUT = OpenApiResponse(
    description="validation_error: a blank or too long title or text, or a "
    "title already used (ignoring case)."
)
NOT_FOUND = OpenApiResponse(description="Not one of your templates.")


class MessageTemplateCollectionApi(MessagingApi):
    """GET: the templates I may insert (mine and my agency's), by title.
    POST: a new one; ``shared`` makes it the agency's (staff only)."""

    pagination_class = CursorPagination  # documents the list as a page

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MessageTemplateCreate"

        title = _text()
        body = _text()
        shared = serializers.BooleanField(default=False)

    @extend_schema(
        responses=MessageTemplateSerializer(many=True),
        operation_id="message_template_list",
    )
    def get(self, request: Request) -> Response:
        return paginated(
            request=request,
            view=self,
            queryset=message_templates_for(user=request.user),
            serializer=MessageTemplateSerializer,
            ordering=("id",),
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: MessageTemplateSerializer,
            400: BAD_INPUT,
            403: OpenApiResponse(
                description="Clients keep no templates; only an agency's staff "
                "share them."
            ),
        },
        operation_id="message_template_create",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = message_template_create(actor=request.user, **data.validated_data)
        return Response(
            MessageTemplateSerializer(template).data, status=status.HTTP_201_CREATED
        )


class MessageTemplateDetailApi(MessagingApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MessageTemplateUpdate"

        title = _text()
        body = _text()

    @extend_schema(
        responses={200: MessageTemplateSerializer, 404: NOT_FOUND},
        operation_id="message_template_detail",
    )
    def get(self, request: Request, template_id: int) -> Response:
        template = message_template_get(user=request.user, template_id=template_id)
        return Response(MessageTemplateSerializer(template).data)

    @extend_schema(
        request=InputSerializer,
        responses={200: MessageTemplateSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        operation_id="message_template_update",
    )
    def put(self, request: Request, template_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = message_template_update(
            actor=request.user, template_id=template_id, **data.validated_data
        )
        return Response(MessageTemplateSerializer(template).data)

    @extend_schema(
        responses={204: None, 404: NOT_FOUND},
        operation_id="message_template_delete",
    )
    def delete(self, request: Request, template_id: int) -> Response:
        message_template_delete(actor=request.user, template_id=template_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
