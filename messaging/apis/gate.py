"""GET/PUT /api/v1/me/profiles/{id}/messaging-gate: who may start a conversation
with a profile, set by its provider or their agency's manager (others: 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directory.selectors import profile_editable_get
from messaging.models import MessagingGate
from messaging.selectors import messaging_gate_for
from messaging.services import messaging_gate_set


class MessagingGateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MessagingGate"

    mode = serializers.ChoiceField(
        choices=MessagingGate.Mode.choices,
        help_text=(
            "verified_email: anyone signed in with a verified email; account_age: "
            "only accounts older than min_account_age_days; after_booking: only "
            "clients who requested a booking"
        ),
    )
    min_account_age_days = serializers.IntegerField(
        min_value=1, max_value=365, default=7
    )


class MessagingGateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MessagingGateSerializer, operation_id="messaging_gate")
    def get(self, request: Request, profile_id: int) -> Response:
        profile = profile_editable_get(user=request.user, profile_id=profile_id)
        gate = messaging_gate_for(profile_id=profile.pk)
        return Response(MessagingGateSerializer(gate).data)

    @extend_schema(
        request=MessagingGateSerializer,
        responses=MessagingGateSerializer,
        operation_id="messaging_gate_update",
    )
    def put(self, request: Request, profile_id: int) -> Response:
        data = MessagingGateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gate = messaging_gate_set(
            actor=request.user, profile_id=profile_id, **data.validated_data
        )
        return Response(MessagingGateSerializer(gate).data)
