"""/api/v1/me/profiles/{id}/review-settings: the provider's switch. Reviews are
off until turned on; off hides the existing ones everywhere at once."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ids import MAX_PAGE_ID
from directory.selectors import profile_editable_get
from reviews.selectors import reviews_enabled_for
from reviews.services import review_settings_set


class ReviewSettingsApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReviewSettingsInput"

        enabled = serializers.BooleanField(
            help_text="True: published reviews show on the profile."
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ReviewSettings"

        profile_id = serializers.IntegerField()
        enabled = serializers.BooleanField()

    def _profile(self, request: Request, profile_id: int):  # noqa: ANN202
        return profile_editable_get(
            user=request.user,
            profile_id=profile_id if 0 < profile_id <= MAX_PAGE_ID else 0,
        )

    @extend_schema(responses=OutputSerializer, operation_id="review_settings_get")
    def get(self, request: Request, profile_id: int) -> Response:
        profile = self._profile(request, profile_id)
        data = {
            "profile_id": profile.pk,
            "enabled": reviews_enabled_for(profile=profile),
        }
        return Response(self.OutputSerializer(data).data)

    @extend_schema(
        request=InputSerializer,
        responses=OutputSerializer,
        operation_id="review_settings_set",
    )
    def put(self, request: Request, profile_id: int) -> Response:
        profile = self._profile(request, profile_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = review_settings_set(
            profile=profile, actor=request.user, enabled=data.validated_data["enabled"]
        )
        data = {"profile_id": profile.pk, "enabled": row.reviews_enabled}
        return Response(self.OutputSerializer(data).data)
