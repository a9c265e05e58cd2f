"""Payments against localstripe: intents with stored idempotency keys,
confirmation with test cards, declines, an unreachable gateway, bad input."""

from __future__ import annotations

import pytest

from core.exceptions import ValidationFailed
from payments import ledger
from payments.exceptions import (
    AlreadyPaid,
    GatewayUnreachable,
    InvalidAmount,
    PaymentDeclined,
    PaymentMismatch,
)
from payments.models import GatewayOperation, LedgerTransaction, Payment
from payments.selectors import account_balance, payments_of
from payments.services import payment_confirm, payment_confirm_succeeded, payment_start

pytestmark = pytest.mark.django_db
S = Payment.Status


def start(payer, ref: str = "1", amount: int = 10_000, **kw):  # noqa: ANN001, ANN201
    return payment_start(
        payer=payer,
        amount_minor=amount,
        currency=kw.pop("currency", "EUR"),
        purpose=kw.pop("purpose", Payment.Purpose.DEPOSIT),
        reference=("bookings.booking", ref),
        **kw,
    )


def test_start_creates_one_intent_per_reference_with_its_key(stripe_local, payer):
    first = start(payer)
    payment = first.payment
    assert payment.status == S.REQUIRES_PAYMENT_METHOD
    assert payment.gateway_payment_id.startswith("pi_")
    assert first.client_secret.startswith(payment.gateway_payment_id + "_secret_")
    op = GatewayOperation.objects.get()
    assert (op.kind, op.idempotency_key, op.status) == (
        "create_payment",
        f"payment:{payment.pk}:create",
        "succeeded",
    )
    assert op.gateway_object_id == payment.gateway_payment_id
    assert op.payment_id == payment.pk

    again = start(payer)
    assert again.payment.pk == payment.pk
    assert again.client_secret == first.client_secret
    assert Payment.objects.count() == 1
    assert GatewayOperation.objects.count() == 1


def test_a_test_card_pays_once_and_posts_the_ledger_once(stripe_local, payer, received):
    payment = start(payer, amount=12_345).payment
    paid = payment_confirm(payment=payment, payment_method="pm_card_visa")
    assert paid.status == S.SUCCEEDED
    assert paid.succeeded_at is not None
    txn = LedgerTransaction.objects.get()
    assert (txn.kind, txn.cause_type, txn.cause_id) == (
        "deposit_paid",
        "payments.payment",
        str(payment.pk),
    )
    assert account_balance(account=ledger.GATEWAY_CLEARING, currency="EUR") == 12_345
    assert account_balance(account=ledger.DEPOSITS_HELD, currency="EUR") == -12_345
    assert [(r["signal"], r["purpose"], r["reference_id"]) for r in received] == [
        ("succeeded", "deposit", "1")
    ]

    # Replayed confirmation (a webhook after the synchronous answer): no effect.
    payment_confirm_succeeded(gateway_payment_id=paid.gateway_payment_id)
    assert LedgerTransaction.objects.count() == 1
    assert len(received) == 1
    # Paying twice is refused before any gateway call.
    with pytest.raises(AlreadyPaid) as exc:
        start(payer, amount=12_345)
    assert exc.value.status_code == 409
    with pytest.raises(AlreadyPaid):
        payment_confirm(payment=paid, payment_method="pm_card_visa")
    assert GatewayOperation.objects.filter(kind="create_payment").count() == 1


def test_a_declined_card_fails_the_payment_and_charges_nothing(
    stripe_local, payer, received
):
    payment = start(payer).payment
    # localstripe declines 4000000000000341 when charged (its
    # pm_card_chargeCustomerFail); docs/payments.md says why not ...0002.
    with pytest.raises(PaymentDeclined) as exc:
        payment_confirm(payment=payment, payment_method="pm_card_chargeCustomerFail")
    assert (exc.value.status_code, exc.value.code) == (402, "card_declined")
    payment.refresh_from_db()
    assert payment.status == S.FAILED
    assert payment.failure_code == "card_declined"
    assert not LedgerTransaction.objects.exists()
    op = GatewayOperation.objects.get(kind="confirm")
    assert op.status == "failed"
    assert op.error.startswith("card_declined")
    assert [r["signal"] for r in received] == ["failed"]

    # The client tries again: a new payment and intent for the same reference.
    retry = start(payer)
    assert retry.payment.pk != payment.pk
    assert retry.payment.gateway_payment_id != payment.gateway_payment_id
    paid = payment_confirm(payment=retry.payment, payment_method="pm_card_visa")
    assert paid.status == S.SUCCEEDED
    assert list(payments_of(user=payer).values_list("status", flat=True)) == [
        "succeeded",
        "failed",
    ]


def test_an_unreachable_gateway_answers_503_and_keeps_the_operation(
    stripe_local, payer, settings
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: refused
    with pytest.raises(GatewayUnreachable) as exc:
        start(payer)
    assert (exc.value.status_code, exc.value.code) == (503, "gateway_unreachable")
    payment = Payment.objects.get()
    assert payment.gateway_payment_id is None
    op = GatewayOperation.objects.get()
    assert (op.status, op.idempotency_key) == ("failed", f"payment:{payment.pk}:create")

    # Back online: the retry reuses the stored key and creates the intent.
    settings.STRIPE_API_BASE = stripe_local.base
    again = start(payer)
    assert again.payment.pk == payment.pk
    assert again.payment.gateway_payment_id.startswith("pi_")
    op.refresh_from_db()
    assert (op.status, op.attempts) == ("succeeded", 2)


@pytest.mark.parametrize(
    ("amount", "currency", "error"),
    [
        (0, "EUR", InvalidAmount),
        (-500, "EUR", InvalidAmount),
        ("100", "EUR", InvalidAmount),
        (True, "EUR", InvalidAmount),
        (10**13, "EUR", InvalidAmount),
        (100, "eur", ValidationFailed),
        (100, "EURO", ValidationFailed),
    ],
)
def test_bad_amounts_and_currencies_are_refused_before_anything(
    payer, amount, currency, error
):
    with pytest.raises(error) as exc:
        start(payer, amount=amount, currency=currency)
    assert exc.value.status_code == 400
    assert not Payment.objects.exists()
    assert not GatewayOperation.objects.exists()


def test_a_second_start_with_another_amount_is_a_conflict(stripe_local, payer):
    start(payer, amount=5_000)
    with pytest.raises(PaymentMismatch):
        start(payer, amount=6_000)
    assert Payment.objects.count() == 1


def test_an_unknown_gateway_or_purpose_is_refused(payer):
    with pytest.raises(ValidationFailed):
        start(payer, gateway="paypal")
    with pytest.raises(ValidationFailed):
        start(payer, purpose="tip")
    assert not Payment.objects.exists()
