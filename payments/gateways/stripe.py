"""The Stripe adapter: the official ``stripe`` client, pointed at
``STRIPE_API_BASE`` when set (localstripe in dev and tests, never in
production). Every call that changes something carries the caller's
idempotency key; Stripe's errors become the payment errors of
payments.exceptions, with the codes docs/payments.md lists."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import stripe
from django.conf import settings

from payments.exceptions import (
    AuthenticationRequired,
    CardExpired,
    GatewayRefused,
    GatewayUnreachable,
    PaymentDeclined,
    WebhookSignatureInvalid,
)
from payments.gateways.base import (
    GatewayEvent,
    GatewayPayment,
    GatewayRefund,
    GatewaySubscription,
)

T = TypeVar("T")

# Stripe's payment intent status -> ours (payments.models.Payment.Status).
STATUS_OF_INTENT = {
    "requires_payment_method": "requires_payment_method",
    "requires_confirmation": "requires_payment_method",
    "requires_action": "requires_action",
    "processing": "processing",
    "requires_capture": "processing",
    "succeeded": "succeeded",
    "canceled": "canceled",
}
CARD_ERRORS = {
    "expired_card": CardExpired,
    "authentication_required": AuthenticationRequired,
}


class StripeGateway:
    name = "stripe"
    clearing_account = "gateway_clearing"

    def __init__(self) -> None:
        base = settings.STRIPE_API_BASE
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": base} if base else None,
            # Our own retries reuse the stored key; the client's would too,
            # but a request must not hang a worker past the timeout.
            max_network_retries=1,
            http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
        )

    def create_payment(
        self,
        *,
        amount_minor: int,
        currency: str,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> GatewayPayment:
        intent = _call(
            lambda: self.client.v1.payment_intents.create(
                params={
                    "amount": amount_minor,
                    "currency": currency.lower(),
                    "metadata": dict(metadata),
                },
                options={"idempotency_key": idempotency_key},
            )
        )
        return _payment(intent)

    def confirm_payment(
        self, *, payment_id: str, payment_method: str, idempotency_key: str
    ) -> GatewayPayment:
        # Two calls, not confirm(payment_method=...): localstripe implements
        # only the two-step form, and Stripe accepts both.
        _call(
            lambda: self.client.v1.payment_intents.update(
                payment_id,
                params={"payment_method": payment_method},
                options={"idempotency_key": idempotency_key + ":method"},
            )
        )
        intent = _call(
            lambda: self.client.v1.payment_intents.confirm(
                payment_id, options={"idempotency_key": idempotency_key}
            )
        )
        return _payment(intent)

    def retrieve_payment(self, *, payment_id: str) -> GatewayPayment:
        return _payment(
            _call(lambda: self.client.v1.payment_intents.retrieve(payment_id))
        )

    def refund(
        self, *, payment_id: str, amount_minor: int, idempotency_key: str
    ) -> GatewayRefund:
        refund = _call(
            lambda: self.client.v1.refunds.create(
                params={"payment_intent": payment_id, "amount": amount_minor},
                options={"idempotency_key": idempotency_key},
            )
        )
        return GatewayRefund(
            id=refund.id, status=refund.status, amount_minor=refund.amount
        )

    def create_customer(
        self, *, email: str, metadata: Mapping[str, str], idempotency_key: str
    ) -> str:
        customer = _call(
            lambda: self.client.v1.customers.create(
                params={"email": email, "metadata": dict(metadata)},
                options={"idempotency_key": idempotency_key},
            )
        )
        return customer.id

    def create_subscription(
        self,
        *,
        customer_id: str,
        price_id: str,
        idempotency_key: str,
        payment_method: str = "",
    ) -> GatewaySubscription:
        params: dict[str, Any] = {
            "customer": customer_id,
            "items": [{"plan": price_id}],
        }
        if payment_method:
            params["default_payment_method"] = payment_method
        sub = _call(
            lambda: self.client.v1.subscriptions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        )
        return _subscription(sub)

    def cancel_subscription(
        self, *, subscription_id: str, at_period_end: bool, idempotency_key: str
    ) -> GatewaySubscription:
        options = {"idempotency_key": idempotency_key}
        if at_period_end:
            sub = _call(
                lambda: self.client.v1.subscriptions.update(
                    subscription_id,
                    params={"cancel_at_period_end": True},
                    options=options,
                )
            )
        else:
            sub = _call(
                lambda: self.client.v1.subscriptions.cancel(
                    subscription_id, options=options
                )
            )
        return _subscription(sub)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        secret = settings.STRIPE_WEBHOOK_SECRET
        signature = headers.get("Stripe-Signature", "")
        if not secret or not signature:
            raise WebhookSignatureInvalid()
        try:
            event = self.client.construct_event(body, signature, secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise WebhookSignatureInvalid() from exc
        payload = event.to_dict()
        obj = payload.get("data", {}).get("object", {}) or {}
        return GatewayEvent(
            id=str(payload.get("id", "")),
            type=str(payload.get("type", "")),
            object_id=str(obj.get("id", "")),
            payload=payload,
        )


def _call(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except stripe.CardError as exc:
        error = CARD_ERRORS.get(exc.code or "", PaymentDeclined)
        raise error() from exc
    except stripe.APIConnectionError as exc:
        raise GatewayUnreachable() from exc
    except stripe.StripeError as exc:
        raise GatewayRefused(
            fields={"gateway": [str(exc.user_message or exc)]}
        ) from exc


def _payment(intent: Any) -> GatewayPayment:  # noqa: ANN401 - a stripe object
    data = intent.to_dict()
    error = data.get("last_payment_error") or {}
    status = STATUS_OF_INTENT.get(data["status"], "requires_payment_method")
    if data["status"] == "requires_payment_method" and error:
        status = "failed"
    return GatewayPayment(
        id=data["id"],
        status=status,
        amount_minor=int(data["amount"]),
        currency=str(data["currency"]).upper(),
        client_secret=data.get("client_secret") or "",
        failure_code=str(error.get("code") or ""),
        failure_message=str(error.get("message") or "")[:500],
    )


def _subscription(sub: Any) -> GatewaySubscription:  # noqa: ANN401 - a stripe object
    data = sub.to_dict()
    return GatewaySubscription(
        id=data["id"],
        status=data["status"],
        customer_id=str(data.get("customer") or ""),
        current_period_end=data.get("current_period_end"),
    )
