"""/api/v1/bookings/<id>/deposit and /api/v1/me/payments (docs/deposits.md).
Starting a deposit answers the client secret and the publishable key the
frontend gives Stripe.js; the card goes from the browser to the gateway."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from bookings.deposits import REFERENCE_TYPE, deposit_start
from core.pagination import CursorPagination, PageQuerySerializer, paginated
from payments.models import Payment
from payments.selectors import payments_of

ERRORS = {
    400: OpenApiResponse(description="Bad input (an amount other than the deposit)."),
    404: OpenApiResponse(description="Not your booking, or no such booking."),
    409: OpenApiResponse(description="No deposit due, or paid already."),
    503: OpenApiResponse(description="The payment service cannot be reached."),
}


class DepositStartApi(APIView):
    """Start (or resume) paying the deposit of one of your bookings."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bookings"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DepositStartInput"

        # Optional: when given it must be the booking's deposit (no partial or
        # larger payments).
        amount_minor = serializers.IntegerField(
            required=False, min_value=1, max_value=10**12
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DepositStarted"

        payment_id = serializers.IntegerField()
        amount_minor = serializers.IntegerField()
        currency = serializers.CharField()
        status = serializers.CharField()
        client_secret = serializers.CharField()
        publishable_key = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, **ERRORS},
        operation_id="booking_deposit_start",
    )
    def post(self, request: Request, booking_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        started = deposit_start(
            booking_id=booking_id,
            actor=request.user,
            amount_minor=data.validated_data.get("amount_minor"),
        )
        payment = started.payment
        body = {
            "payment_id": payment.pk,
            "amount_minor": payment.amount_minor,
            "currency": payment.currency,
            "status": payment.status,
            "client_secret": started.client_secret,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        }
        return Response(
            self.OutputSerializer(body).data, status=status.HTTP_201_CREATED
        )


class PaymentSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MyPayment"

    id = serializers.IntegerField()
    amount_minor = serializers.IntegerField()
    amount_refunded_minor = serializers.IntegerField()
    currency = serializers.CharField()
    status = serializers.CharField()
    purpose = serializers.CharField()
    booking_id = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_booking_id(self, payment: Payment) -> int | None:
        if payment.reference_type == REFERENCE_TYPE and payment.reference_id.isdigit():
            return int(payment.reference_id)
        return None


class MyPaymentsApi(APIView):
    """Your payments, newest first."""

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination

    @extend_schema(
        parameters=[PageQuerySerializer],
        responses=PaymentSerializer(many=True),
        operation_id="my_payments",
    )
    def get(self, request: Request) -> Response:
        return paginated(
            request=request,
            view=self,
            queryset=payments_of(user=request.user).prefetch_related(None),
            serializer=PaymentSerializer,
            ordering=("-created_at", "-id"),
        )
