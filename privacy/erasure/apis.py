"""``/api/v1/me/closure``: read, request (POST, with the password) and cancel
(DELETE) the closure of one's own account (docs/privacy.md, "Erasure")."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound
from privacy.erasure.receipt import receipt_url
from privacy.erasure.selectors import closure_scheduled_for
from privacy.erasure.services import account_closure_cancel, account_closure_request
from privacy.models import AccountClosure


class ClosureOutputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AccountClosure"

    status = serializers.CharField()
    requested_at = serializers.DateTimeField()
    erase_after = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    receipt_url = serializers.SerializerMethodField()

    def get_receipt_url(self, closure: AccountClosure) -> str:
        return receipt_url(closure)


class MyClosureApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AccountClosureRequest"

        password = serializers.CharField(max_length=4096, trim_whitespace=False)

    @extend_schema(
        responses={
            200: ClosureOutputSerializer,
            404: OpenApiResponse(description="No closure is scheduled."),
        },
        operation_id="my_closure_retrieve",
    )
    def get(self, request: Request) -> Response:
        closure = closure_scheduled_for(user=request.user)
        if closure is None:
            raise NotFound("No closure is scheduled.")
        return Response(ClosureOutputSerializer(closure).data)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OpenApiResponse(
                ClosureOutputSerializer,
                description="Scheduled: erased after the 7-day grace period.",
            ),
            400: OpenApiResponse(
                description="Password missing or wrong (`validation_error`, "
                "fields.password)."
            ),
            409: OpenApiResponse(
                description="`closure_blocked` (fields name each blocker and "
                "what to do: active_bookings, deposit_held, open_dispute, "
                "agency_members, staff_account) or `closure_already_scheduled`."
            ),
        },
        operation_id="my_closure_request",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        closure = account_closure_request(
            user=request.user, password=data.validated_data["password"]
        )
        return Response(
            ClosureOutputSerializer(closure).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(ClosureOutputSerializer, description="Cancelled."),
            404: OpenApiResponse(description="No closure to cancel."),
        },
        operation_id="my_closure_cancel",
    )
    def delete(self, request: Request) -> Response:
        closure = account_closure_cancel(user=request.user)
        return Response(ClosureOutputSerializer(closure).data)
