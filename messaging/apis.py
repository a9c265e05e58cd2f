"""/api/v1/threads: conversations between clients and profiles. Every read goes
through the scoped selectors: a conversation one is not part of is 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core import crypto
from directory.apis.public import paginated
from messaging.models import Message, Thread
from messaging.selectors import (
    messages_of,
    messages_search,
    side_of,
    thread_get_for,
    threads_for,
)
from messaging.services import (
    message_send,
    thread_block,
    thread_mark_read,
    thread_start,
    thread_wipe,
)

MAX_ID = 2**63 - 1
BODY = serializers.CharField(
    max_length=100_000, allow_blank=True, trim_whitespace=False
)


class MessageSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Message"

    id = serializers.IntegerField()
    thread_id = serializers.IntegerField()
    mine = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_mine(self, message: Message) -> bool:
        return message.sender_id == self.context["user"].pk

    def get_body(self, message: Message) -> str:
        return crypto.decrypt(message.body_encrypted)


class ThreadSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Thread"

    id = serializers.IntegerField()
    profile_id = serializers.IntegerField()
    profile_name = serializers.CharField(source="profile.title")
    client_name = serializers.SerializerMethodField()
    booking_id = serializers.IntegerField(allow_null=True)
    last_message_at = serializers.DateTimeField(allow_null=True)
    last_read_id = serializers.SerializerMethodField()
    archived = serializers.SerializerMethodField()
    muted = serializers.SerializerMethodField()

    def _side(self, thread: Thread) -> str:
        return side_of(thread=thread, user=self.context["user"])

    def get_client_name(self, thread: Thread) -> str:
        return thread.client.display_name or "Client"

    def get_last_read_id(self, thread: Thread) -> int:
        return getattr(thread, f"{self._side(thread)}_last_read_id")

    def get_archived(self, thread: Thread) -> bool:
        return getattr(thread, f"{self._side(thread)}_archived")

    def get_muted(self, thread: Thread) -> bool:
        return getattr(thread, f"{self._side(thread)}_muted")


class _Throttled(APIView):
    permission_classes = [IsAuthenticated]

    def get_throttles(self) -> list:
        if self.request.method in ("POST", "DELETE"):
            throttle = ScopedRateThrottle()
            self.throttle_scope = "messages"
            return [throttle]
        return super().get_throttles()


class ThreadCollectionApi(_Throttled):
    """GET: my conversations, most recent first. POST: start one with a profile
    (clients only; the provider's gate decides who may)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ThreadStart"

        profile = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        body = BODY

    @extend_schema(responses=ThreadSerializer(many=True), operation_id="thread_list")
    def get(self, request: Request) -> Response:
        return paginated(
            request=request,
            view=self,
            queryset=threads_for(user=request.user),
            serializer=_with_user(ThreadSerializer, request),
            ordering=("-updated_at", "-id"),
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "ThreadStarted",
                {"thread": ThreadSerializer(), "message": MessageSerializer()},
            )
        },
        operation_id="thread_start",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread, message = thread_start(
            client=request.user,
            profile_id=data.validated_data["profile"],
            body=data.validated_data["body"],
        )
        thread = thread_get_for(user=request.user, thread_id=thread.pk)
        context = {"user": request.user}
        return Response(
            {
                "thread": ThreadSerializer(thread, context=context).data,
                "message": MessageSerializer(message, context=context).data,
            },
            status=status.HTTP_201_CREATED,
        )


def _with_user(serializer: type, request: Request) -> type:
    """``paginated`` builds the serializer with the request only; ours need the
    user for the side-dependent fields."""

    class WithUser(serializer):
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            kwargs.setdefault("context", {})["user"] = request.user
            super().__init__(*args, **kwargs)

    return WithUser


class ThreadDetailApi(_Throttled):
    @extend_schema(responses=ThreadSerializer, operation_id="thread_detail")
    def get(self, request: Request, thread_id: int) -> Response:
        thread = thread_get_for(user=request.user, thread_id=thread_id)
        return Response(ThreadSerializer(thread, context={"user": request.user}).data)

    @extend_schema(responses={204: None}, operation_id="thread_wipe")
    def delete(self, request: Request, thread_id: int) -> Response:
        thread_wipe(thread_id=thread_id, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageCollectionApi(_Throttled):
    """GET ``?after=<id>`` after a reconnect (nothing is missed: messages are
    stored before they are pushed), ``?before=<id>`` for older history."""

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

        body = BODY

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
            thread_id=thread_id, sender=request.user, body=data.validated_data["body"]
        )
        return Response(
            MessageSerializer(message, context={"user": request.user}).data,
            status=status.HTTP_201_CREATED,
        )


class ThreadReadApi(_Throttled):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ThreadRead"

        up_to = serializers.IntegerField(min_value=0, max_value=MAX_ID)

    @extend_schema(
        request=InputSerializer, responses=ThreadSerializer, operation_id="thread_read"
    )
    def post(self, request: Request, thread_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread = thread_mark_read(
            thread_id=thread_id,
            user=request.user,
            up_to_id=data.validated_data["up_to"],
        )
        thread = thread_get_for(user=request.user, thread_id=thread.pk)
        return Response(ThreadSerializer(thread, context={"user": request.user}).data)


class ThreadBlockApi(_Throttled):
    @extend_schema(request=None, responses={204: None}, operation_id="thread_block")
    def post(self, request: Request, thread_id: int) -> Response:
        thread_block(thread_id=thread_id, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageSearchApi(APIView):
    permission_classes = [IsAuthenticated]

    class QuerySerializer(serializers.Serializer):
        class Meta:
            ref_name = "MessageSearchQuery"

        q = serializers.CharField(min_length=2, max_length=100)

    @extend_schema(
        parameters=[QuerySerializer],
        responses=MessageSerializer(many=True),
        operation_id="message_search",
    )
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = messages_search(user=request.user, q=query.validated_data["q"])
        context = {"user": request.user}
        return Response(MessageSerializer(found, many=True, context=context).data)
