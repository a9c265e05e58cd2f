"""Refunds: bounded by what was paid, ledger posted, audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum

from accounts.models import User
from core.exceptions import ApplicationError, ValidationFailed
from payments import events, ledger
from payments.exceptions import (
    DepositAlreadyReleased,
    NotRefundable,
    RefundTooLarge,
)
from payments.gateways import get_gateway
from payments.models import (
    LedgerTransaction,
    Payment,
    Refund,
)
from payments.services.records import (
    K,
    S,
    _check_money,
    _send,
    gateway_call,
    ledger_post,
)
from payments.signals import payment_refunded

# --- refunds --------------------------------------------------------------------


def payment_refund(
    *, payment: Payment, amount_minor: int, reason: str, actor: User | None
) -> Refund:
    """Refund part or all of a paid payment. More than paid minus refunded
    (counting refunds in flight) is refused (400), and so is a deposit
    already released to the provider (409), before any gateway call."""
    _check_money(amount_minor, payment.currency)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": ["Say why the money goes back."]})
    refund = _refund_reserve(
        payment=payment, amount_minor=amount_minor, reason=reason, actor=actor
    )
    adapter = get_gateway(payment.gateway)
    try:
        result = gateway_call(
            adapter=adapter,
            kind="refund",
            key=f"refund:{refund.pk}",
            payment=payment,
            summary={"amount_minor": amount_minor, "refund_id": refund.pk},
            call=lambda key: adapter.refund(
                payment_id=payment.gateway_payment_id,
                amount_minor=amount_minor,
                idempotency_key=key,
            ),
        )
    except ApplicationError:
        Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED)
        raise
    return _refund_apply(refund_id=refund.pk, gateway_refund_id=result.id)


@transaction.atomic
def _refund_reserve(
    *, payment: Payment, amount_minor: int, reason: str, actor: User | None
) -> Refund:
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status not in (S.SUCCEEDED, S.PARTIALLY_REFUNDED):
        raise NotRefundable()
    if (
        locked.purpose == Payment.Purpose.DEPOSIT
        and LedgerTransaction.objects.filter(
            kind=K.DEPOSIT_RELEASED,
            cause_type="payments.payment",
            cause_id=str(locked.pk),
        ).exists()
    ):
        # The money left deposits_held for provider_payable: refunding it
        # from there would take deposits_held below zero (409, nothing sent).
        raise DepositAlreadyReleased()
    in_flight = (
        locked.refunds.filter(status=Refund.Status.PENDING).aggregate(
            total=Sum("amount_minor")
        )["total"]
        or 0
    )
    if amount_minor > locked.refundable_minor - in_flight:
        raise RefundTooLarge(
            fields={"amount_minor": [f"At most {locked.refundable_minor - in_flight}."]}
        )
    return Refund.objects.create(
        payment=locked,
        amount_minor=amount_minor,
        currency=locked.currency,
        reason=reason[:500],
        actor=actor if actor is not None and actor.pk else None,
    )


@transaction.atomic
def _refund_apply(*, refund_id: int, gateway_refund_id: str) -> Refund:
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    refund.status = Refund.Status.SUCCEEDED
    refund.gateway_refund_id = gateway_refund_id
    refund.save(update_fields=["status", "gateway_refund_id", "updated_at"])
    payment.amount_refunded_minor += refund.amount_minor
    payment.status = (
        S.REFUNDED if payment.refundable_minor == 0 else S.PARTIALLY_REFUNDED
    )
    payment.save(update_fields=["amount_refunded_minor", "status", "updated_at"])
    clearing = get_gateway(payment.gateway).clearing_account
    if payment.purpose == Payment.Purpose.DEPOSIT:
        kind, debit = K.DEPOSIT_REFUNDED, ledger.DEPOSITS_HELD
    else:
        kind, debit = K.REFUND, ledger.CLIENT_REFUNDS
    ledger_post(
        kind=kind,
        cause=refund,
        entries=[(debit, refund.amount_minor), (clearing, -refund.amount_minor)],
        currency=refund.currency,
    )
    events.payment_refunded_event(refund=refund, actor=refund.actor)
    refund.payment = payment
    _send(payment_refunded, payment, refund=refund)
    return refund
