"""Conversations: list and start, one thread (read, wipe), read receipts,
blocking, and search within one's own messages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ids import MAX_ID, MAX_PAGE_ID
from core.pagination import CursorPagination, paginated
from messaging.apis.base import MessagingApi, with_user
from messaging.apis.serializers import MessageSerializer, ThreadSerializer
from messaging.selectors import messages_search, thread_get_for, threads_for
from messaging.services import (
    thread_block,
    thread_mark_read,
    thread_set_flags,
    thread_start,
    thread_wipe,
)

BODY = serializers.CharField(
    max_length=100_000, allow_blank=True, trim_whitespace=False
)


class ThreadCollectionApi(MessagingApi):
    """GET: my conversations, most recent first. POST: start one with a profile
    (clients only; the provider's gate decides who may)."""

    pagination_class = CursorPagination  # documents the list as a page

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ThreadStart"

        profile = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_ID)
        body = BODY
        booking = serializers.IntegerField(
            min_value=1,
            max_value=MAX_ID,
            required=False,
            help_text="One of my bookings with this profile, the conversation's topic",
        )

    class QuerySerializer(serializers.Serializer):
        class Meta:
            ref_name = "ThreadListQuery"

        archived = serializers.BooleanField(
            default=False, help_text="true: only the conversations I archived"
        )

    @extend_schema(
        parameters=[QuerySerializer],
        responses=ThreadSerializer(many=True),
        operation_id="thread_list",
    )
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        archived = query.validated_data["archived"]
        return paginated(
            request=request,
            view=self,
            queryset=threads_for(user=request.user, archived=archived),
            serializer=with_user(ThreadSerializer, request),
            ordering=("-updated_at", "-id"),
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "ThreadStarted",
                {"thread": ThreadSerializer(), "message": MessageSerializer()},
            ),
            404: OpenApiResponse(description="No live profile with this id."),
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
            booking_id=data.validated_data.get("booking"),
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


class ThreadDetailApi(MessagingApi):
    @extend_schema(responses=ThreadSerializer, operation_id="thread_detail")
    def get(self, request: Request, thread_id: int) -> Response:
        thread = thread_get_for(user=request.user, thread_id=thread_id)
        return Response(ThreadSerializer(thread, context={"user": request.user}).data)

    class FlagsSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ThreadFlags"

        archived = serializers.BooleanField(required=False)
        muted = serializers.BooleanField(required=False)

        def validate(self, data: dict) -> dict:
            if not data:
                raise serializers.ValidationError('Send "archived" and/or "muted".')
            return data

    @extend_schema(
        request=FlagsSerializer,
        responses=ThreadSerializer,
        operation_id="thread_update",
        summary="Archive or mute the conversation (for my side only)",
    )
    def patch(self, request: Request, thread_id: int) -> Response:
        data = self.FlagsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread = thread_set_flags(
            thread_id=thread_id, user=request.user, **data.validated_data
        )
        thread = thread_get_for(user=request.user, thread_id=thread.pk)
        return Response(ThreadSerializer(thread, context={"user": request.user}).data)

    @extend_schema(
        responses={204: None},
        operation_id="thread_wipe",
        summary="Wipe the conversation's messages for both sides",
        description=(
            "Deletes every message of the conversation and its images, for both "
            "sides, and tells both over the socket (`thread` event, `wiped`). The "
            "conversation itself stays, empty: a GET answers it with no last "
            "message, and blocks and reports about it keep their subject."
        ),
    )
    def delete(self, request: Request, thread_id: int) -> Response:
        thread_wipe(thread_id=thread_id, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadReadApi(MessagingApi):
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


class ThreadBlockApi(MessagingApi):
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
