"""/api/v1/me/verification: the signed-in provider's own verification (state,
place in the queue, estimate), a selfie code, and the upload. Everything is the
caller's own: there is no id in any path, so nobody reaches another person's
request (agency staff included)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, UserRateThrottle
from rest_framework.views import APIView

from verification.models import RefusalReason
from verification.selectors import VerificationState, verification_state
from verification.services import challenge_issue, verification_submit


class IsProvider(BasePermission):
    message = "Only escorts and agency owners verify their identity here."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user.is_authenticated and request.user.is_provider)


class UploadsRateThrottle(UserRateThrottle):
    """The "uploads" budget shared with every upload endpoint (same cache key)."""

    scope = "uploads"


class VerificationStateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "VerificationState"

    status = serializers.ChoiceField(choices=["none", "pending", "approved", "refused"])
    submitted_at = serializers.DateTimeField(allow_null=True)
    queue_position = serializers.IntegerField(
        allow_null=True, help_text="1 = next in line; null unless pending."
    )
    estimate_seconds = serializers.IntegerField(
        allow_null=True,
        help_text="Estimated wait from now (median wait of the last 7 days "
        "times the queue position); null without a basis.",
    )
    reason = serializers.ChoiceField(
        choices=RefusalReason.choices, allow_blank=True, help_text="When refused."
    )
    reason_label = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True, help_text="The moderator's note.")
    verified_at = serializers.DateTimeField(allow_null=True)
    rerequest_reason = serializers.CharField(
        allow_blank=True, help_text="Set when a moderator asks to verify again."
    )
    may_submit = serializers.BooleanField()


def state_data(state: VerificationState) -> dict:
    return VerificationStateSerializer(
        {
            "status": state.status,
            "submitted_at": state.request.created_at if state.request else None,
            "queue_position": state.queue_position,
            "estimate_seconds": (
                int(state.estimate.total_seconds()) if state.estimate else None
            ),
            "reason": state.reason,
            "reason_label": RefusalReason(state.reason).label if state.reason else "",
            "note": state.note,
            "verified_at": state.verified_at,
            "rerequest_reason": state.rerequest_reason,
            "may_submit": state.may_submit,
        }
    ).data


class MyVerificationApi(APIView):
    """GET where I stand; POST (multipart) my document, selfie and code."""

    permission_classes = [IsAuthenticated, IsProvider]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "VerificationSubmit"

        code = serializers.CharField(max_length=20)
        document = serializers.FileField(
            allow_empty_file=False,
            help_text="Identity document: JPEG, PNG, WebP or PDF.",
        )
        selfie = serializers.FileField(
            allow_empty_file=False,
            help_text="Selfie holding the code: JPEG, PNG or WebP.",
        )

    def get_throttles(self) -> list[BaseThrottle]:
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(UploadsRateThrottle())
        return throttles

    @extend_schema(
        responses=VerificationStateSerializer,
        operation_id="my_verification",
        summary="Where my identity verification stands",
    )
    def get(self, request: Request) -> Response:
        return Response(state_data(verification_state(user=request.user)))

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={
            201: VerificationStateSerializer,
            409: OpenApiResponse(
                description="conflict: a request is already waiting, or already "
                "verified"
            ),
            413: OpenApiResponse(description="payload_too_large: a file too big"),
        },
        operation_id="my_verification_submit",
        summary="Submit my identity document and selfie",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verification_submit(user=request.user, **data.validated_data)
        return Response(
            state_data(verification_state(user=request.user)),
            status=status.HTTP_201_CREATED,
        )


class ChallengeSerializer(serializers.Serializer):
    class Meta:
        ref_name = "VerificationChallenge"

    code = serializers.CharField()
    expires_at = serializers.DateTimeField()


class MyVerificationChallengeApi(APIView):
    """The code to hold up in the selfie: the current one while it is valid and
    unused, else a fresh one."""

    permission_classes = [IsAuthenticated, IsProvider]

    @extend_schema(
        request=None,
        responses=ChallengeSerializer,
        operation_id="my_verification_challenge",
        summary="Get my one-time selfie code",
    )
    def post(self, request: Request) -> Response:
        challenge = challenge_issue(user=request.user)
        return Response(ChallengeSerializer(challenge).data)
