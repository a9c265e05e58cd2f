"""POST /api/v1/analytics/events (docs/analytics.md): a browser's beacon (or a
headless frontend) reports a profile view, a gallery opened or a contact button
pressed. Anonymous allowed and free of CSRF (``navigator.sendBeacon`` cannot
send a header): the only thing a forged request can do is what any visitor can
do, be counted once a day. It answers 202 whether or not the event counted, so
a caller learns nothing about the dedupe or the exclusions."""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from analytics.recording import EventKind, profile_event_submit
from core.ids import MAX_ID


class BeaconSessionAuthentication(SessionAuthentication):
    """The session, without DRF's CSRF check: a beacon carries the cookie but no
    token. Only this counting endpoint uses it; the signed-in user is needed
    only to leave the provider's own clicks out."""

    def enforce_csrf(self, request: Request) -> None:
        return None


class BeaconSessionScheme(SessionScheme):
    """The session cookie in the OpenAPI schema, under its own name: here it
    needs no CSRF token."""

    target_class = "analytics.apis.BeaconSessionAuthentication"
    name = "cookieAuthWithoutCsrf"


class ProfileEventApi(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "analytics_events"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ProfileEventCreate"

        profile = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        kind = serializers.ChoiceField(choices=EventKind.choices)

    def get_authenticators(self) -> list[BaseAuthentication]:
        # The API's own list (api/ sits above this app), with the session's
        # CSRF check left out.
        return [
            BeaconSessionAuthentication()
            if type(auth) is SessionAuthentication
            else auth
            for auth in super().get_authenticators()
        ]

    def get_throttles(self) -> list[BaseThrottle]:
        return [*super().get_throttles(), ScopedRateThrottle()]

    @extend_schema(
        request=InputSerializer,
        responses={
            202: OpenApiResponse(
                description="Accepted (counted, or left out as a repeat, a bot "
                "or the provider's own: the answer does not say)."
            ),
            400: OpenApiResponse(
                description="validation_error: no such kind, or a profile id "
                "that is not a positive integer."
            ),
            404: OpenApiResponse(description="No public profile has this id."),
            429: OpenApiResponse(description="throttled: too many events."),
        },
        operation_id="analytics_event_create",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile_event_submit(
            request=request._request,
            profile_id=data.validated_data["profile"],
            kind=data.validated_data["kind"],
        )
        return Response(status=status.HTTP_202_ACCEPTED)
