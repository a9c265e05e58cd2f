"""POST /payments/webhooks/stripe/: verified, stored once, applied once, never
backwards. Events are localstripe's own, signed as localstripe signs them."""

from __future__ import annotations

import json

import pytest

from core.localstripe import localstripe_events
from payments.gateways import get_gateway
from payments.models import LedgerTransaction, Payment, WebhookEvent
from payments.services import payment_start

pytestmark = pytest.mark.django_db
URL = "/payments/webhooks/stripe/"
S = Payment.Status
O = WebhookEvent.Outcome  # noqa: E741


@pytest.fixture
def paid_at_gateway(stripe_local, payer) -> tuple[Payment, dict]:  # noqa: ANN001
    """A payment the gateway charged, whose news has not reached us yet, and
    localstripe's payment_intent.succeeded event for it."""
    payment = payment_start(
        payer=payer,
        amount_minor=8_000,
        currency="EUR",
        purpose=Payment.Purpose.DEPOSIT,
        reference=("bookings.booking", "9"),
    ).payment
    get_gateway("stripe").confirm_payment(
        payment_id=payment.gateway_payment_id,
        payment_method="pm_card_visa",
        idempotency_key="test-confirm",
    )
    events = localstripe_events(
        base=stripe_local.base,
        key=stripe_local.secret_key,
        type="payment_intent.succeeded",
    )
    event = next(
        e for e in events if e["data"]["object"]["id"] == payment.gateway_payment_id
    )
    return payment, event


def post(client, body: bytes, signature: str | None):  # noqa: ANN001, ANN201
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature else {}
    return client.post(URL, data=body, content_type="application/json", **headers)


def test_a_verified_event_applies_once_however_often_it_comes(
    client, stripe_local, paid_at_gateway, received, django_capture_on_commit_callbacks
):
    payment, event = paid_at_gateway
    body, signature = stripe_local.signed_event(event)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body, signature)
    assert response.status_code == 200
    assert response.json()["duplicate"] is False
    stored = WebhookEvent.objects.get()
    assert (stored.event_id, stored.type, stored.outcome) == (
        event["id"],
        "payment_intent.succeeded",
        O.APPLIED,
    )
    assert stored.processed_at is not None
    payment.refresh_from_db()
    assert payment.status == S.SUCCEEDED

    # Replayed (same event id, freshly signed): 200, nothing more.
    for _ in range(2):
        body, signature = stripe_local.signed_event(event)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = post(client, body, signature)
        assert response.status_code == 200
        assert response.json()["duplicate"] is True
        assert callbacks == []
    assert WebhookEvent.objects.count() == 1
    assert LedgerTransaction.objects.count() == 1
    assert [r["signal"] for r in received] == ["succeeded"]


@pytest.mark.parametrize(
    "signature",
    [None, "t=1,v1=deadbeef", "garbage", "forged-with-another-secret"],
)
def test_a_forged_event_changes_nothing(
    client, stripe_local, paid_at_gateway, signature, django_capture_on_commit_callbacks
):
    payment, event = paid_at_gateway
    body = json.dumps(event).encode()
    if signature == "forged-with-another-secret":
        signature = stripe_local.sign(body, secret="whsec_attacker")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body, signature)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_signature_invalid"
    assert not WebhookEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == S.REQUIRES_PAYMENT_METHOD
    assert not LedgerTransaction.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, stripe_local, paid_at_gateway):
    _, event = paid_at_gateway
    body, signature = stripe_local.signed_event(event)
    response = post(client, body.replace(b"8000", b"1"), signature)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_out_of_order_events_never_move_a_payment_back(
    client, stripe_local, paid_at_gateway, django_capture_on_commit_callbacks
):
    payment, succeeded = paid_at_gateway
    failed = {
        **succeeded,
        "id": "evt_late_failure",
        "type": "payment_intent.payment_failed",
        "data": {
            "object": {
                **succeeded["data"]["object"],
                "status": "requires_payment_method",
                "last_payment_error": {"code": "card_declined", "message": "Declined"},
            }
        },
    }
    processing = {
        **succeeded,
        "id": "evt_late_processing",
        "type": "payment_intent.processing",
    }
    for event in (succeeded, failed, processing):
        body, signature = stripe_local.signed_event(event)
        with django_capture_on_commit_callbacks(execute=True):
            assert post(client, body, signature).status_code == 200
    outcomes = dict(WebhookEvent.objects.values_list("event_id", "outcome"))
    assert outcomes == {
        succeeded["id"]: O.APPLIED,
        "evt_late_failure": O.UNCHANGED,
        "evt_late_processing": O.UNCHANGED,
    }
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == (S.SUCCEEDED, "")
    assert LedgerTransaction.objects.count() == 1


def test_failure_then_success_ends_paid(
    client, stripe_local, paid_at_gateway, django_capture_on_commit_callbacks
):
    payment, succeeded = paid_at_gateway
    failed = {
        **succeeded,
        "id": "evt_early_failure",
        "type": "payment_intent.payment_failed",
    }
    for event in (failed, succeeded):
        body, signature = stripe_local.signed_event(event)
        with django_capture_on_commit_callbacks(execute=True):
            post(client, body, signature)
    payment.refresh_from_db()
    assert payment.status == S.SUCCEEDED
    assert LedgerTransaction.objects.count() == 1


def test_an_unknown_event_type_is_stored_and_ignored(
    client, stripe_local, paid_at_gateway, django_capture_on_commit_callbacks
):
    payment, succeeded = paid_at_gateway
    event = {**succeeded, "id": "evt_unknown", "type": "customer.tax_id.created"}
    body, signature = stripe_local.signed_event(event)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body, signature)
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.outcome, stored.processed_at is not None) == (O.IGNORED, True)
    payment.refresh_from_db()
    assert payment.status == S.REQUIRES_PAYMENT_METHOD


def test_only_post_is_accepted(client):
    assert client.get(URL).status_code == 405
