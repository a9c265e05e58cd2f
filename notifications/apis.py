"""/api/v1/notifications: the signed-in user's notices, their unread counts,
marking read, and the per-kind preferences. Everything is scoped to the
recipient; another user's ids simply match nothing."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ids import MAX_ID
from core.pagination import CursorPagination, paginated
from notifications.models import Kind
from notifications.selectors import notifications_for, preferences_for, unread_counts
from notifications.services import notifications_mark_read, preferences_update


class NotificationSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Notification"

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField()
    url = serializers.CharField()
    count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


UnreadSerializer = inline_serializer(
    name="NotificationUnreadCounts",
    fields={
        "total": serializers.IntegerField(),
        **{kind: serializers.IntegerField() for kind in Kind.values},
    },
)


class NotificationListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination  # documents the list as a page

    class QuerySerializer(serializers.Serializer):
        class Meta:
            ref_name = "NotificationListQuery"

        unread = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(
        parameters=[QuerySerializer],
        responses=NotificationSerializer(many=True),
        summary="My notifications, newest first (cursor-paginated)",
    )
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        queryset = notifications_for(
            user=request.user, unread=query.validated_data["unread"]
        )
        return paginated(
            request=request,
            view=self,
            queryset=queryset,
            serializer=NotificationSerializer,
            ordering=("-created_at", "-id"),
        )


class NotificationUnreadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UnreadSerializer, summary="Unread counts by kind")
    def get(self, request: Request) -> Response:
        return Response(unread_counts(user=request.user))


class NotificationReadApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NotificationReadInput"

        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            max_length=500,
            required=False,
        )
        all = serializers.BooleanField(default=False)

        def validate(self, data: dict) -> dict:
            if ("ids" in data) == data["all"]:
                raise serializers.ValidationError('Send either "ids" or "all": true.')
            return data

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            name="NotificationReadResult",
            fields={"marked": serializers.IntegerField(), "unread": UnreadSerializer},
        ),
        summary="Mark some or all of my notifications read",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notifications_mark_read(
            user=request.user, ids=data.validated_data.get("ids")
        )
        return Response({"marked": marked, "unread": unread_counts(user=request.user)})


class PreferenceSerializer(serializers.Serializer):
    class Meta:
        ref_name = "NotificationPreference"

    kind = serializers.ChoiceField(choices=Kind.choices)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class NotificationPreferencesApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NotificationPreferencesInput"

        preferences = PreferenceSerializer(many=True, allow_empty=False)

        def validate_preferences(self, value: list[dict]) -> list[dict]:
            kinds = [p["kind"] for p in value]
            if len(kinds) != len(set(kinds)):
                raise serializers.ValidationError("Each kind at most once.")
            return value

    @extend_schema(
        responses=PreferenceSerializer(many=True),
        summary="My notification channels for each kind",
    )
    def get(self, request: Request) -> Response:
        return Response(self._current(request))

    @extend_schema(
        request=InputSerializer,
        responses=PreferenceSerializer(many=True),
        summary="Change my notification channels (kinds not sent stay as they are)",
    )
    def put(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = {
            p["kind"]: {"in_app": p["in_app"], "email": p["email"]}
            for p in data.validated_data["preferences"]
        }
        preferences_update(user=request.user, changes=changes)
        return Response(self._current(request))

    def _current(self, request: Request) -> list[dict]:
        preferences = preferences_for(user=request.user).values()
        return PreferenceSerializer(preferences, many=True).data
