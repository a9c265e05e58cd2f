"""Refunds: never more than paid minus refunded, ledger posted, audited;
offline payments recorded by an admin."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from core.exceptions import ValidationFailed
from payments import ledger
from payments.exceptions import NotRefundable, RefundTooLarge
from payments.models import LedgerTransaction, Payment, Refund
from payments.selectors import account_balance
from payments.services import (
    deposit_release,
    payment_confirm,
    payment_record_manual,
    payment_refund,
    payment_start,
)

pytestmark = pytest.mark.django_db
S = Payment.Status


@pytest.fixture
def paid_deposit(stripe_local, payer) -> Payment:  # noqa: ANN001
    started = payment_start(
        payer=payer,
        amount_minor=10_000,
        currency="EUR",
        purpose=Payment.Purpose.DEPOSIT,
        reference=("bookings.booking", "7"),
    )
    return payment_confirm(payment=started.payment, payment_method="pm_card_visa")


def test_partial_then_full_refund_never_more_than_paid(received, paid_deposit, staff):
    first = payment_refund(
        payment=paid_deposit,
        amount_minor=3_000,
        reason="Provider declined",
        actor=staff,
    )
    assert first.status == Refund.Status.SUCCEEDED
    assert first.gateway_refund_id.startswith("re_")
    paid_deposit.refresh_from_db()
    assert (paid_deposit.status, paid_deposit.amount_refunded_minor) == (
        S.PARTIALLY_REFUNDED,
        3_000,
    )

    with pytest.raises(RefundTooLarge) as exc:
        payment_refund(
            payment=paid_deposit, amount_minor=7_001, reason="x", actor=staff
        )
    assert (exc.value.status_code, exc.value.code) == (400, "refund_exceeds_paid")
    assert Refund.objects.count() == 1

    payment_refund(payment=paid_deposit, amount_minor=7_000, reason="rest", actor=staff)
    paid_deposit.refresh_from_db()
    assert (paid_deposit.status, paid_deposit.refundable_minor) == (S.REFUNDED, 0)
    assert account_balance(account=ledger.DEPOSITS_HELD, currency="EUR") == 0
    assert account_balance(account=ledger.GATEWAY_CLEARING, currency="EUR") == 0
    assert list(
        LedgerTransaction.objects.order_by("pk").values_list("kind", flat=True)
    ) == ["deposit_paid", "deposit_refunded", "deposit_refunded"]
    audits = AuditEntry.objects.filter(action="payment.refunded").order_by("pk")
    assert [(a.actor_id, a.reason, a.data["amount_minor"]) for a in audits] == [
        (staff.pk, "Provider declined", 3_000),
        (staff.pk, "rest", 7_000),
    ]
    assert [r["signal"] for r in received] == ["succeeded", "refunded", "refunded"]

    with pytest.raises(NotRefundable):
        payment_refund(payment=paid_deposit, amount_minor=1, reason="x", actor=staff)


def test_refund_input_is_checked(paid_deposit, staff):
    for amount in (0, -1, 10_001):
        with pytest.raises((ValidationFailed, RefundTooLarge)):
            payment_refund(
                payment=paid_deposit, amount_minor=amount, reason="x", actor=staff
            )
    with pytest.raises(ValidationFailed):
        payment_refund(payment=paid_deposit, amount_minor=100, reason="  ", actor=staff)
    assert not Refund.objects.exists()


def test_an_unpaid_payment_is_not_refundable(stripe_local, payer, staff):
    started = payment_start(
        payer=payer,
        amount_minor=2_000,
        currency="EUR",
        purpose=Payment.Purpose.OTHER,
        reference=("x.thing", "1"),
    )
    with pytest.raises(NotRefundable) as exc:
        payment_refund(
            payment=started.payment, amount_minor=100, reason="x", actor=staff
        )
    assert exc.value.status_code == 409
    assert not Refund.objects.exists()


def test_an_admin_records_an_offline_payment_and_refunds_it(payer, staff):
    payment = payment_record_manual(
        payer=payer,
        amount_minor=4_900,
        currency="GBP",
        purpose=Payment.Purpose.SUBSCRIPTION,
        reference=("tests.charge", "3"),
        actor=staff,
        note="Bank transfer ref 1234",
    )
    assert (payment.gateway, payment.status) == ("manual", S.SUCCEEDED)
    assert account_balance(account=ledger.CASH, currency="GBP") == 4_900
    assert account_balance(account=ledger.PLATFORM_REVENUE, currency="GBP") == -4_900
    entry = AuditEntry.objects.get(action="payment.recorded_manually")
    assert (entry.actor_id, entry.target_id) == (staff.pk, payment.pk)

    payment_refund(payment=payment, amount_minor=900, reason="Goodwill", actor=staff)
    assert account_balance(account=ledger.CASH, currency="GBP") == 4_000
    assert account_balance(account=ledger.CLIENT_REFUNDS, currency="GBP") == 900
    assert LedgerTransaction.objects.filter(kind="refund").count() == 1


def test_a_kept_deposit_is_released_to_the_provider_once(
    paid_deposit, staff, escort_user
):
    payment_refund(payment=paid_deposit, amount_minor=2_500, reason="Late", actor=staff)
    deposit_release(payment=paid_deposit, provider_id=escort_user.pk)
    owed = ledger.provider_payable(escort_user.pk)
    assert account_balance(account=owed, currency="EUR") == -7_500
    assert account_balance(account=ledger.DEPOSITS_HELD, currency="EUR") == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        deposit_release(payment=paid_deposit, provider_id=escort_user.pk)
    assert account_balance(account=owed, currency="EUR") == -7_500


def test_a_released_deposit_cannot_be_refunded(paid_deposit, staff, escort_user):
    """Once released to the provider the deposit is not in deposits_held any
    more: a refund is a 409, nothing goes to the gateway, the ledger stays."""
    from payments.exceptions import DepositAlreadyReleased
    from payments.models import GatewayOperation

    deposit_release(payment=paid_deposit, provider_id=escort_user.pk)
    calls = GatewayOperation.objects.count()
    with pytest.raises(DepositAlreadyReleased) as exc:
        payment_refund(
            payment=paid_deposit, amount_minor=1_000, reason="Late", actor=staff
        )
    assert (exc.value.status_code, exc.value.code) == (409, "deposit_released")
    assert "released to the provider" in exc.value.message
    assert GatewayOperation.objects.count() == calls
    assert not Refund.objects.exists()
    paid_deposit.refresh_from_db()
    assert (paid_deposit.status, paid_deposit.amount_refunded_minor) == (
        S.SUCCEEDED,
        0,
    )
    assert account_balance(account=ledger.DEPOSITS_HELD, currency="EUR") == 0
    owed = ledger.provider_payable(escort_user.pk)
    assert account_balance(account=owed, currency="EUR") == -10_000


def test_no_release_while_a_refund_is_in_flight(paid_deposit, staff, escort_user):
    """A refund reserved but not yet answered by the gateway blocks the
    release, so deposits_held cannot go below zero when the refund lands."""
    from payments.exceptions import RefundInFlight

    Refund.objects.create(
        payment=paid_deposit,
        amount_minor=4_000,
        currency="EUR",
        reason="Declined",
        actor=staff,
    )
    with pytest.raises(RefundInFlight) as exc:
        deposit_release(payment=paid_deposit, provider_id=escort_user.pk)
    assert exc.value.status_code == 409
    assert not LedgerTransaction.objects.filter(kind="deposit_released").exists()
    assert account_balance(account=ledger.DEPOSITS_HELD, currency="EUR") == -10_000
