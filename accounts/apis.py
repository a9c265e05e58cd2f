from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import user_update_profile
from accounts.socket_tickets import TICKET_SECONDS, socket_ticket_issue
from core.exceptions import PermissionDenied
from core.validators import reject_control_characters


class MeApi(APIView):
    """The signed-in user: read, and change the public display name."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MeUpdate"

        display_name = serializers.CharField(
            max_length=80, allow_blank=True, validators=[reject_control_characters]
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Me"

        id = serializers.IntegerField()
        email = serializers.EmailField()
        display_name = serializers.CharField()
        role = serializers.CharField()
        is_staff = serializers.BooleanField()
        date_joined = serializers.DateTimeField()

    @extend_schema(responses={200: OutputSerializer}, operation_id="me_retrieve")
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(request.user).data)

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        operation_id="me_update",
    )
    def patch(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_update_profile(user=request.user, **data.validated_data)
        return Response(self.OutputSerializer(user).data)


class SocketTicketApi(APIView):
    """A one-time ticket to open a WebSocket as this user (for app clients
    that sign in with X-Session-Token and cannot send a session cookie)."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SocketTicket"

        ticket = serializers.CharField()
        expires_in = serializers.IntegerField(help_text="Seconds")

    @extend_schema(
        request=None,
        responses={
            201: OutputSerializer,
            503: OpenApiResponse(
                description="service_unavailable: Redis is down, so a ticket "
                "could open no socket; try again shortly"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        # The ticket lives only as long as the session that asked for it: the one
        # behind X-Session-Token (DRF's request.auth) or the browser's cookie.
        session = request.auth if isinstance(request.auth, SessionBase) else None
        session_key = (session or request.session).session_key
        if not session_key:
            raise PermissionDenied("A socket ticket needs a signed-in session.")
        ticket = socket_ticket_issue(user=request.user, session_key=session_key)
        return Response({"ticket": ticket, "expires_in": TICKET_SECONDS}, status=201)
