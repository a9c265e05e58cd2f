"""Demo payments (fictional): three card payments that succeeded, booked in
the ledger; one bank transfer recorded by the demo admin (manual gateway);
one partial refund of it, with its reason. Idempotent: each payment has a
reference of its own, found on a re-run.

The card payments have made-up gateway ids (``pi_demo_…``) and are settled
through ``payment_confirm_succeeded`` as if their webhook had arrived: the
demo must seed without a gateway. That is also why the refund is of the
offline payment (the manual gateway pays back offline, no call): refunding a
card payment asks the gateway, which knows no ``pi_demo_`` intent."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User
from payments.models import Payment
from payments.selectors import payment_for_reference
from payments.services import (
    payment_confirm_succeeded,
    payment_record_manual,
    payment_refund,
)

CLIENT_EMAIL = "client@demo.test"
ADMIN_EMAIL = "admin@demo.test"
REFERENCE_TYPE = "demo.order"
# (reference id, amount in minor units, currency)
CARD_PAYMENTS = [
    ("card-1", 4_900, "EUR"),
    ("card-2", 9_900, "EUR"),
    ("card-3", 2_500, "GBP"),
]
TRANSFER = ("transfer-1", 15_000, "EUR")
REFUND_MINOR = 5_000


def seed(*, log: Callable[[str], None]) -> None:
    payer = User.objects.filter(email=CLIENT_EMAIL).first()
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if payer is None or admin is None:
        log("payments: no demo client or admin, skipped")
        return
    made = 0
    for ref, amount, currency in CARD_PAYMENTS:
        if _existing(ref) is not None:
            continue
        payment = Payment.objects.create(
            payer=payer,
            purpose=Payment.Purpose.OTHER,
            reference_type=REFERENCE_TYPE,
            reference_id=ref,
            amount_minor=amount,
            currency=currency,
            gateway="stripe",
            gateway_payment_id=f"pi_demo_{ref}",
            status=Payment.Status.PROCESSING,
        )
        payment_confirm_succeeded(
            gateway_payment_id=payment.gateway_payment_id, gateway="stripe"
        )
        made += 1
    ref, amount, currency = TRANSFER
    transfer = _existing(ref)
    if transfer is None:
        transfer = payment_record_manual(
            payer=payer,
            amount_minor=amount,
            currency=currency,
            purpose=Payment.Purpose.OTHER,
            reference=(REFERENCE_TYPE, ref),
            actor=admin,
            note="Bank transfer DEMO-0001 seen on the statement",
        )
        made += 1
    if not transfer.refunds.exists():
        payment_refund(
            payment=transfer,
            amount_minor=REFUND_MINOR,
            reason="Goodwill: the evening was shortened",
            actor=admin,
        )
        log("payments: refunded part of the bank transfer")
    log(f"payments: {made} new payment(s) ({len(CARD_PAYMENTS) + 1} in the demo)")


def _existing(ref: str) -> Payment | None:
    return payment_for_reference(
        purpose=Payment.Purpose.OTHER, reference_type=REFERENCE_TYPE, reference_id=ref
    )
