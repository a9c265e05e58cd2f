"""Fifty confirmations of one deposit at once, over HTTP (the pay page's
endpoint, as a double-clicking client or a flaky network sends them), each
request on its own connection: one charge at the gateway, one ledger
transaction, the booking confirmed once."""

from __future__ import annotations

import json
import threading

import pytest
import stripe
from django.db import connection
from django.test import Client

from bookings.models import Booking
from payments.models import LedgerTransaction, Payment
from tests.bookings.conftest import due_booking

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("ledger_balanced"),
]
CALLERS = 50
JOIN_SECONDS = 180


def test_fifty_concurrent_confirmations_charge_once(
    stripe_local, deposit_profile, deposit_client, deposit_owner
):
    booking = due_booking(deposit_profile, deposit_client, deposit_owner)
    url = f"/bookings/{booking.pk}/deposit/confirm/"
    barrier = threading.Barrier(CALLERS)
    answers: list[tuple[int, dict]] = []
    errors: list[BaseException] = []

    def confirm() -> None:
        try:
            client = Client()
            client.force_login(deposit_client)
            barrier.wait(timeout=60)
            response = client.post(
                url,
                data=json.dumps({"payment_method": "pm_card_visa"}),
                content_type="application/json",
                HTTP_ACCEPT="application/json",
            )
            answers.append((response.status_code, response.json()))
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
    assert len(answers) == CALLERS
    # Every caller is answered with the paid payment (one charged, the rest
    # waited for it and found it paid).
    assert [(code, body["status"]) for code, body in answers] == [
        (200, "succeeded")
    ] * CALLERS

    payment = Payment.objects.get()
    assert payment.status == Payment.Status.SUCCEEDED
    assert LedgerTransaction.objects.filter(cause_id=str(payment.pk)).count() == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.events.filter(to_status=Booking.Status.CONFIRMED).count() == 1
    gateway = stripe.StripeClient(
        stripe_local.secret_key, base_addresses={"api": stripe_local.base}
    )
    charges = [
        charge
        for charge in gateway.v1.charges.list(params={"limit": 100}).data
        if charge.payment_intent == payment.gateway_payment_id
    ]
    assert len(charges) == 1
