from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import user_update_profile
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
