"""GET /api/v1/me/onboarding: the signed-in provider's onboarding checklist
(directory.onboarding; docs/onboarding.md). Providers only: any other role gets
403 ``permission_denied`` rather than an empty checklist, so a client app can
tell "not for you" from "nothing left to do"."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directory.onboarding import STATES, Onboarding, onboarding_for


class MyOnboardingApi(APIView):
    permission_classes = [IsAuthenticated]

    class StepSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OnboardingStep"

        key = serializers.ChoiceField(
            choices=[
                "profile",
                "photos",
                "second_factor",
                "verification",
                "submit",
                "live",
            ]
        )
        title = serializers.CharField()
        state = serializers.ChoiceField(choices=list(STATES))
        url = serializers.CharField(help_text="Where to resume this step (a page).")
        detail = serializers.CharField()
        queue_position = serializers.IntegerField(
            allow_null=True, help_text="Verification waiting: 1 = next in line."
        )
        comment = serializers.CharField(
            help_text="The moderator's words: changes requested, or a refusal note."
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Onboarding"

        steps = serializers.SerializerMethodField()
        next_step = serializers.SerializerMethodField()
        done_count = serializers.IntegerField()
        is_live = serializers.BooleanField()

        def get_steps(self, onboarding: Onboarding) -> list[dict]:
            return MyOnboardingApi.StepSerializer(onboarding.steps, many=True).data

        def get_next_step(self, onboarding: Onboarding) -> str | None:
            step = onboarding.next_step
            return step.key if step else None

    @extend_schema(
        responses={
            200: OutputSerializer,
            403: OpenApiResponse(
                description="permission_denied: not a provider account (clients, "
                "agencies and staff have no provider checklist)."
            ),
        },
        operation_id="my_onboarding",
    )
    def get(self, request: Request) -> Response:
        onboarding = onboarding_for(user=request.user)
        return Response(self.OutputSerializer(onboarding).data)
