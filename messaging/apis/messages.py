"""A thread's messages: history and resync, sending (text, an image, or both),
and the image of one message, served only to the thread's participants."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from cms_pages.uploads import CONTENT_TYPES
from core.ids import MAX_ID
from messaging.apis.base import MessagingApi
from messaging.apis.serializers import MessageSerializer
from messaging.selectors import attachment_get_for, messages_of, thread_get_for
from messaging.services import message_send


class MessageCollectionApi(MessagingApi):
    """GET ``?after=<id>`` after a reconnect (nothing is missed: messages are
    stored before they are pushed), ``?before=<id>`` for older history. POST as
    JSON (text) or multipart (text and/or an ``image`` file)."""

    parser_classes = [JSONParser, MultiPartParser]

    class QuerySerializer(serializers.Serializer):
        class Meta:
            ref_name = "MessageQuery"

        after = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False)
        before = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
        limit = serializers.IntegerField(min_value=1, max_value=100, default=50)

        def validate(self, data: dict) -> dict:
            if "after" in data and "before" in data:
                raise serializers.ValidationError(
                    {"before": ["Use either after or before."]}
                )
            return data

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MessageSend"

        # Optional when an image comes along; the service says when it is missing.
        body = serializers.CharField(
            max_length=100_000, allow_blank=True, trim_whitespace=False, default=""
        )
        image = serializers.FileField(required=False, allow_empty_file=False)

    @extend_schema(
        parameters=[QuerySerializer],
        responses=MessageSerializer(many=True),
        operation_id="thread_messages",
    )
    def get(self, request: Request, thread_id: int) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        thread = thread_get_for(user=request.user, thread_id=thread_id)
        messages = messages_of(
            thread=thread,
            after=query.validated_data.get("after"),
            before=query.validated_data.get("before"),
            limit=query.validated_data["limit"],
        )
        context = {"user": request.user}
        return Response(MessageSerializer(messages, many=True, context=context).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: MessageSerializer},
        operation_id="message_send",
    )
    def post(self, request: Request, thread_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = message_send(
            thread_id=thread_id,
            sender=request.user,
            body=data.validated_data["body"],
            image=data.validated_data.get("image"),
        )
        return Response(
            MessageSerializer(message, context={"user": request.user}).data,
            status=status.HTTP_201_CREATED,
        )


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """The file is what it is, whatever ``Accept`` says (an ``<img>`` asks for
    image/*, which no renderer offers): errors are rendered as JSON."""

    def select_parser(
        self, request: Request, parsers: list[BaseParser]
    ) -> BaseParser | None:
        return parsers[0] if parsers else None

    def select_renderer(
        self,
        request: Request,
        renderers: list[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


class MessageAttachmentApi(MessagingApi):
    content_negotiation_class = IgnoreAcceptNegotiation

    @extend_schema(
        responses={(200, kind): OpenApiTypes.BINARY for kind in CONTENT_TYPES.values()},
        operation_id="message_attachment",
    )
    def get(self, request: Request, thread_id: int, message_id: int) -> FileResponse:
        attachment = attachment_get_for(
            user=request.user, thread_id=thread_id, message_id=message_id
        )
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            filename=attachment.file.name.rsplit("/", 1)[-1],
        )
        # Browsers keep no copy (a shared computer shows nothing afterwards), no
        # shared cache ever holds one, and the bytes are only ever an image.
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response
