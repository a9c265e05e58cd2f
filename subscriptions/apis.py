"""Plans and the provider's own subscription (docs/subscriptions.md):

- ``GET /api/v1/plans`` (public): the plans on offer;
- ``GET /api/v1/me/subscription``: the plan, its state, usage vs limits;
- ``POST /api/v1/me/subscription`` ``{"plan": slug, "payment_method": "pm_..."}``:
  change plan (start, upgrade now prorated, downgrade at the period end);
- ``POST /api/v1/me/subscription/cancel``: cancel at the period end;
- ``POST /api/v1/me/subscription/pay``: pay a failed renewal with a card.
Errors in the one shape: 400 (unknown plan, card needed), 402 (declined),
403 (not a provider), 409 (a renewal or another charge pending)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from core.exceptions import PermissionDenied, ValidationFailed
from subscriptions.models import Plan
from subscriptions.selectors import (
    effective_plan,
    invoices_of,
    plans_public,
    subscription_of,
    usage_of,
)
from subscriptions.services import (
    subscription_cancel,
    subscription_change,
    subscription_pay_renewal,
)

CHARGE_ERRORS = {
    402: OpenApiResponse(
        description="card_declined, expired_card or authentication_required: "
        "nothing was charged."
    ),
    409: OpenApiResponse(
        description="renewal_pending or charge_in_progress: settle that first."
    ),
    503: OpenApiResponse(description="The payment service cannot be reached."),
}


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        ref_name = "Plan"
        fields = [
            "slug",
            "name",
            "description",
            "price_minor",
            "currency",
            "max_photos",
            "max_active_tours",
            "vip_badge",
            "featured_on_city_pages",
        ]


class InvoiceSummarySerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, invoice) -> str:  # noqa: ANN001
        return f"/dashboard/subscription/invoices/{invoice.number}/"


class SubscriptionSerializer(serializers.Serializer):
    plan = PlanSerializer()
    status = serializers.CharField()
    current_period_start = serializers.DateTimeField(allow_null=True)
    current_period_end = serializers.DateTimeField(allow_null=True)
    cancel_at_period_end = serializers.BooleanField()
    pending_plan = serializers.CharField(allow_null=True)
    grace_until = serializers.DateTimeField(allow_null=True)
    usage = serializers.DictField()
    invoices = InvoiceSummarySerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    plan = serializers.SlugField(max_length=40)
    payment_method = serializers.CharField(
        max_length=255, required=False, default="", allow_blank=True
    )


class PaySerializer(serializers.Serializer):
    payment_method = serializers.CharField(max_length=255)


def _provider(request: Request):  # noqa: ANN202
    if request.user.role != Role.ESCORT:
        raise PermissionDenied("Plans are for provider accounts.")
    return request.user


def subscription_state(user) -> dict:  # noqa: ANN001
    sub = subscription_of(user=user)
    plan = effective_plan(user=user, subscription=sub)
    live = sub is not None and sub.status != "canceled"
    return {
        "plan": plan,
        "status": sub.status if sub is not None else "active",
        "current_period_start": sub.current_period_start if live else None,
        "current_period_end": sub.current_period_end if live else None,
        "cancel_at_period_end": bool(live and sub.cancel_at_period_end),
        "pending_plan": sub.pending_plan.slug if live and sub.pending_plan else None,
        "grace_until": sub.grace_until if live else None,
        "usage": usage_of(user=user),
        "invoices": list(invoices_of(user=user)[:50]),
    }


def _validated(serializer_class, data):  # noqa: ANN001, ANN202
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationFailed(fields=serializer.errors)
    return serializer.validated_data


class PlanListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=PlanSerializer(many=True), operation_id="plan_list")
    def get(self, request: Request) -> Response:
        return Response(PlanSerializer(plans_public(), many=True).data)


class MySubscriptionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SubscriptionSerializer, operation_id="my_subscription")
    def get(self, request: Request) -> Response:
        user = _provider(request)
        return Response(SubscriptionSerializer(subscription_state(user)).data)

    @extend_schema(
        request=ChangeSerializer,
        responses={200: SubscriptionSerializer, **CHARGE_ERRORS},
        operation_id="my_subscription_change",
    )
    def post(self, request: Request) -> Response:
        user = _provider(request)
        data = _validated(ChangeSerializer, request.data)
        plan = plans_public().filter(slug=data["plan"]).first()
        if plan is None:
            raise ValidationFailed(fields={"plan": ["Unknown plan."]})
        subscription_change(user=user, plan=plan, payment_method=data["payment_method"])
        return Response(SubscriptionSerializer(subscription_state(user)).data)


class MySubscriptionCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: SubscriptionSerializer, 409: CHARGE_ERRORS[409]},
        operation_id="my_subscription_cancel",
    )
    def post(self, request: Request) -> Response:
        user = _provider(request)
        subscription_cancel(user=user)
        return Response(SubscriptionSerializer(subscription_state(user)).data)


class MySubscriptionPayApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PaySerializer,
        responses={200: SubscriptionSerializer, **CHARGE_ERRORS},
        operation_id="my_subscription_pay",
    )
    def post(self, request: Request) -> Response:
        user = _provider(request)
        data = _validated(PaySerializer, request.data)
        subscription_pay_renewal(user=user, payment_method=data["payment_method"])
        return Response(SubscriptionSerializer(subscription_state(user)).data)
