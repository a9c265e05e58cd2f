"""Fifty confirmations of one payment at once (webhook retries, the client's
return, a reconciliation) over real connections: one ledger transaction, one
signal, every caller answered with the paid payment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from payments.models import LedgerTransaction, Payment
from payments.services import payment_confirm_succeeded

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
CALLERS = 50
JOIN_SECONDS = 120


def test_fifty_concurrent_confirmations_post_once(payer, received):
    payment = Payment.objects.create(
        payer=payer,
        purpose=Payment.Purpose.DEPOSIT,
        reference_type="bookings.booking",
        reference_id="50",
        amount_minor=15_000,
        currency="EUR",
        gateway="stripe",
        gateway_payment_id="pi_race",
    )
    barrier = threading.Barrier(CALLERS)
    statuses: list[str] = []
    errors: list[BaseException] = []

    def confirm() -> None:
        try:
            barrier.wait(timeout=60)
            paid = payment_confirm_succeeded(gateway_payment_id="pi_race")
            statuses.append(paid.status)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    assert errors == []
    assert statuses == ["succeeded"] * CALLERS
    assert LedgerTransaction.objects.filter(cause_id=str(payment.pk)).count() == 1
    assert [r["signal"] for r in received] == ["succeeded"]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
