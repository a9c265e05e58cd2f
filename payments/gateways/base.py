"""The gateway interface (docs/payments.md). Services talk only to this; each
adapter (Stripe, manual, an adult-approved acquirer later) maps its API and its
errors onto it. Every method that changes something at the gateway takes the
idempotency key the caller stored in a GatewayOperation before the call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class GatewayPayment:
    id: str
    status: str  # one of payments.models.Payment.Status
    amount_minor: int
    currency: str  # upper case ISO 4217
    client_secret: str = ""
    failure_code: str = ""
    failure_message: str = ""
    # Filled by list_payments (reconciliation); None where the adapter does
    # not say.
    amount_refunded_minor: int | None = None
    created: int | None = None  # Unix time


@dataclass(frozen=True)
class GatewayRefund:
    id: str
    status: str  # succeeded, pending or failed
    amount_minor: int
    payment_id: str = ""  # the refunded payment (filled by list_payments)
    created: int | None = None  # Unix time


@dataclass(frozen=True)
class GatewayListing:
    """What list_payments found at the gateway: payments and refunds created
    since a moment (reconciliation compares them with our records)."""

    payments: tuple[GatewayPayment, ...] = ()
    refunds: tuple[GatewayRefund, ...] = ()


@dataclass(frozen=True)
class GatewaySubscription:
    id: str
    status: str
    customer_id: str
    current_period_end: int | None = None  # Unix time


@dataclass(frozen=True)
class GatewayEvent:
    """A verified webhook event."""

    id: str
    type: str
    object_id: str
    payload: dict[str, Any] = field(default_factory=dict)


class PaymentGateway(Protocol):
    name: str
    # The ledger account money sits in between the gateway and us.
    clearing_account: str

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
        """A payment intent. ``customer``: the gateway customer it belongs
        to; ``setup_future_usage="off_session"``: save the card it is paid
        with to that customer for later off-session charges; ``off_session``
        (with ``customer`` and a saved ``payment_method``): charge now without
        the payer (a renewal) -- confirmed in the same call, a card that needs
        the payer's bank (3-D Secure) raises AuthenticationRequired. Adapters
        without customers (manual) ignore them."""
        ...

    def confirm_payment(
        self, *, payment_id: str, payment_method: str, idempotency_key: str
    ) -> GatewayPayment: ...

    def retrieve_payment(self, *, payment_id: str) -> GatewayPayment: ...

    def refund(
        self, *, payment_id: str, amount_minor: int, idempotency_key: str
    ) -> GatewayRefund: ...

    def create_customer(
        self, *, email: str, metadata: Mapping[str, str], idempotency_key: str
    ) -> str: ...

    def create_subscription(
        self,
        *,
        customer_id: str,
        price_id: str,
        idempotency_key: str,
        payment_method: str = "",
    ) -> GatewaySubscription: ...

    def cancel_subscription(
        self, *, subscription_id: str, at_period_end: bool, idempotency_key: str
    ) -> GatewaySubscription: ...

    def parse_webhook(
        self, *, body: bytes, headers: Mapping[str, str]
    ) -> GatewayEvent: ...

    # Optional (added for reconciliation): an adapter without it is treated as
    # listing nothing (payments.services.reconciliation).
    def list_payments(self, *, since: dt.datetime) -> GatewayListing: ...
