"""The Stripe adapter: the official ``stripe`` client, pointed at
``STRIPE_API_BASE`` when set (localstripe in dev and tests, never in
production). Every call that changes something carries the caller's
idempotency key; Stripe's errors become the payment errors of
payments.exceptions, with the codes docs/payments.md lists."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import stripe
from django.conf import settings

from payments.exceptions import (
    AuthenticationRequired,
    CardExpired,
    GatewayRefused,
    GatewayUnreachable,
    PaymentDeclined,
    WebhookMalformed,
    WebhookSignatureInvalid,
)
from payments.gateways.base import (
    GatewayEvent,
    GatewayListing,
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
SIGNATURE_TOLERANCE_SECONDS = 300  # Stripe's own default
# Listing for reconciliation: pages of 100, at most this many pages per kind
# (10,000 objects), so a run is bounded whatever the account holds.
LIST_PAGE_SIZE = 100
LIST_MAX_PAGES = 100
# API bases that refused the ``created`` filter (localstripe): asked once per
# process, not on every run.
_NO_CREATED_FILTER: set[str] = set()
# API bases that refused ``setup_future_usage`` on a payment intent
# (localstripe): sent without it from then on.
_NO_SETUP_FUTURE_USAGE: set[str] = set()
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
        customer: str = "",
        payment_method: str = "",
        off_session: bool = False,
        setup_future_usage: str = "",
    ) -> GatewayPayment:
        params: dict[str, Any] = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "metadata": dict(metadata),
        }
        if customer:
            params["customer"] = customer
        if payment_method:
            params["payment_method"] = payment_method
        if off_session:
            # A renewal: the saved card, charged now without the payer.
            params |= {"off_session": True, "confirm": True}
        base = settings.STRIPE_API_BASE or "stripe"
        if setup_future_usage and base not in _NO_SETUP_FUTURE_USAGE:
            try:
                intent = _call(
                    lambda: self.client.v1.payment_intents.create(
                        params={**params, "setup_future_usage": setup_future_usage},
                        options={"idempotency_key": idempotency_key},
                    )
                )
                return _payment(intent)
            except GatewayRefused as exc:
                # localstripe refuses the parameter ("Unexpected
                # setup_future_usage") and reuses a card without it; Stripe
                # accepts it. Any other refusal is an error.
                if "Unexpected setup_future_usage" not in str(exc.fields):
                    raise
                _NO_SETUP_FUTURE_USAGE.add(base)
        intent = _call(
            lambda: self.client.v1.payment_intents.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        )
        payment = _payment(intent)
        if off_session and payment.status == "requires_action":
            # Stripe answers an off-session charge that needs the payer's bank
            # with a CardError ``authentication_required``; localstripe leaves
            # the intent waiting. The same error either way.
            error = AuthenticationRequired()
            error.gateway_payment_id = payment.id
            raise error
        return payment

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

    def list_payments(self, *, since: dt.datetime) -> GatewayListing:
        """Payment intents and refunds created since ``since`` (at most
        LIST_MAX_PAGES pages of each), for reconciliation."""
        stamp = int(since.timestamp())
        intents = self._list_since(self.client.v1.payment_intents, stamp)
        refunds = self._list_since(self.client.v1.refunds, stamp)
        return GatewayListing(
            payments=tuple(_listed_payment(i) for i in intents),
            refunds=tuple(
                GatewayRefund(
                    id=r["id"],
                    status=str(r.get("status") or ""),
                    amount_minor=int(r["amount"]),
                    payment_id=str(r.get("payment_intent") or ""),
                    created=r.get("created"),
                )
                for r in refunds
            ),
        )

    def _list_since(self, service: Any, stamp: int) -> Iterator[dict]:  # noqa: ANN401 - a stripe service
        """Objects created at or after ``stamp``. Stripe filters with
        ``created[gte]``; localstripe refuses that parameter (400), so then we
        list everything (bounded) and filter here."""
        base = settings.STRIPE_API_BASE or "stripe"
        params: dict[str, Any] = {"limit": LIST_PAGE_SIZE}
        try:
            if base in _NO_CREATED_FILTER:
                raise GatewayRefused()
            page = _call(
                lambda: service.list(params={**params, "created": {"gte": stamp}})
            )
            params["created"] = {"gte": stamp}
        except GatewayRefused:
            _NO_CREATED_FILTER.add(base)
            page = _call(lambda: service.list(params=params))
        for _ in range(LIST_MAX_PAGES):
            items = [item.to_dict() for item in page.data]
            for item in items:
                if int(item.get("created") or 0) >= stamp:
                    yield item
            if not page.has_more or not items:
                return
            after = {**params, "starting_after": items[-1]["id"]}
            page = _call(lambda after=after: service.list(params=after))

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        secret = settings.STRIPE_WEBHOOK_SECRET
        signature = headers.get("Stripe-Signature", "")
        if not secret or not signature:
            raise WebhookSignatureInvalid()
        try:
            stripe.WebhookSignature.verify_header(
                body.decode(), signature, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
            raise WebhookSignatureInvalid() from exc
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise WebhookMalformed() from exc
        data = payload.get("data") if isinstance(payload, dict) else None
        obj = data.get("object") if isinstance(data, dict) else None
        if (
            not isinstance(obj, dict)
            or not payload.get("id")
            or not payload.get("type")
        ):
            raise WebhookMalformed()
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
        error = CARD_ERRORS.get(exc.code or "", PaymentDeclined)()
        # A declined create-and-confirm (an off-session renewal) still made
        # an intent: name it, so our failed payment records it.
        intent = getattr(exc.error, "payment_intent", None) if exc.error else None
        if intent is not None:
            error.gateway_payment_id = str(getattr(intent, "id", "") or "")
        raise error from exc
    except stripe.APIConnectionError as exc:
        raise GatewayUnreachable() from exc
    except stripe.StripeError as exc:
        raise GatewayRefused(
            fields={"gateway": [str(exc.user_message or exc)]}
        ) from exc


def _payment(intent: Any) -> GatewayPayment:  # noqa: ANN401 - a stripe object
    return _payment_data(intent.to_dict())


def _payment_data(data: dict) -> GatewayPayment:
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


def _listed_payment(data: dict) -> GatewayPayment:
    payment = _payment_data(data)
    charge = data.get("latest_charge")
    refunded = (
        int(charge.get("amount_refunded") or 0) if isinstance(charge, dict) else None
    )
    return GatewayPayment(
        **{
            **payment.__dict__,
            "amount_refunded_minor": refunded,
            "created": data.get("created"),
        }
    )


def _subscription(sub: Any) -> GatewaySubscription:  # noqa: ANN401 - a stripe object
    data = sub.to_dict()
    return GatewaySubscription(
        id=data["id"],
        status=data["status"],
        customer_id=str(data.get("customer") or ""),
        current_period_end=data.get("current_period_end"),
    )
