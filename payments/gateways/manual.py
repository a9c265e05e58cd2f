"""Offline payments an admin records (bank transfer, cash): no external call.
The payment exists only once the money arrived, so it is created succeeded."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from payments.exceptions import GatewayRefused, WebhookSignatureInvalid
from payments.gateways.base import (
    GatewayEvent,
    GatewayListing,
    GatewayPayment,
    GatewayRefund,
    GatewaySubscription,
)


class ManualGateway:
    name = "manual"
    clearing_account = "cash"

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
        # No cards, no customers: the customer arguments are ignored.
        # The id derives from the key: recording twice names one payment.
        payment_id = "manual_" + uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex
        return GatewayPayment(
            id=payment_id,
            status="succeeded",
            amount_minor=amount_minor,
            currency=currency.upper(),
        )

    def confirm_payment(
        self, *, payment_id: str, payment_method: str, idempotency_key: str
    ) -> GatewayPayment:
        raise GatewayRefused("A manual payment is recorded, not confirmed.")

    def retrieve_payment(self, *, payment_id: str) -> GatewayPayment:
        raise GatewayRefused("A manual payment lives only in our records.")

    def refund(
        self, *, payment_id: str, amount_minor: int, idempotency_key: str
    ) -> GatewayRefund:
        # The admin pays the money back offline and records it here.
        refund_id = "manual_re_" + uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex
        return GatewayRefund(
            id=refund_id, status="succeeded", amount_minor=amount_minor
        )

    def create_customer(
        self, *, email: str, metadata: Mapping[str, str], idempotency_key: str
    ) -> str:
        return "manual_cus_" + uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex

    def create_subscription(
        self,
        *,
        customer_id: str,
        price_id: str,
        idempotency_key: str,
        payment_method: str = "",
    ) -> GatewaySubscription:
        sub_id = "manual_sub_" + uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex
        return GatewaySubscription(id=sub_id, status="active", customer_id=customer_id)

    def cancel_subscription(
        self, *, subscription_id: str, at_period_end: bool, idempotency_key: str
    ) -> GatewaySubscription:
        return GatewaySubscription(
            id=subscription_id, status="canceled", customer_id=""
        )

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        raise WebhookSignatureInvalid("The manual gateway sends no webhooks.")

    def list_payments(self, *, since: dt.datetime) -> GatewayListing:
        # Offline payments live only in our records: nothing to compare.
        return GatewayListing()
