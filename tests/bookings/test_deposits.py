"""Deposits against localstripe (docs/deposits.md): paid -> confirmed and held;
unpaid at the deadline -> expired and the slot free; each refund rule; kept for
the provider on late cancellation, no-show and completion. The settlement
runs through the outbox and its task, as in production."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bookings.deposits import (
    DepositNotDue,
    deposit_confirm,
    deposit_outcome,
    deposit_settle,
    deposit_start,
    deposit_state,
    deposits_expire_unpaid,
    deposits_unsettled,
)
from bookings.models import Booking
from bookings.services import booking_act
from core.exceptions import NotFound, ValidationFailed
from core.models import OutboxEntry
from notifications.models import Notification
from payments import ledger
from payments.exceptions import AlreadyPaid, PaymentDeclined
from payments.models import LedgerTransaction, Payment, Refund
from payments.selectors import account_balance
from payments.services import payment_confirm
from tests.bookings.conftest import move_to_past
from tests.factories.bookings import client_account, local_time, request_booking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ledger_balanced")]
S = Booking.Status
K = LedgerTransaction.Kind


def held() -> int:
    return -account_balance(account=ledger.DEPOSITS_HELD, currency="EUR")


def owed(user_id: int) -> int:
    return -account_balance(account=ledger.provider_payable(user_id), currency="EUR")


def pay(booking: Booking, client, capture) -> Payment:  # noqa: ANN001
    with capture(execute=True):
        return deposit_confirm(
            booking_id=booking.pk, actor=client, payment_method="pm_card_visa"
        )


def test_accepting_a_deposit_booking_sets_a_deadline_before_the_start(booking_due):
    assert booking_due.status == S.DEPOSIT_DUE
    assert booking_due.deposit_minor == 6000  # 20 % of 300 EUR
    assert booking_due.expires_at <= booking_due.start
    left = booking_due.expires_at - timezone.now()
    assert dt.timedelta(hours=23) < left <= dt.timedelta(hours=24)
    assert deposit_state(booking=booking_due) == "due"


def test_paid_deposit_confirms_the_booking_and_is_held(
    stripe_local, booking_due, deposit_client, django_capture_on_commit_callbacks
):
    payment = pay(booking_due, deposit_client, django_capture_on_commit_callbacks)
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.amount_minor == 6000
    assert payment.reference_id == str(booking_due.pk)
    booking_due.refresh_from_db()
    assert booking_due.status == S.CONFIRMED
    assert booking_due.events.last().reason == "Deposit paid."
    assert held() == 6000
    assert deposit_state(booking=booking_due) == "held"
    # Paying again is refused, nothing is charged twice.
    with pytest.raises(AlreadyPaid):
        deposit_start(booking_id=booking_due.pk, actor=deposit_client)
    assert Payment.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=K.DEPOSIT_PAID).count() == 1


def test_a_declined_card_leaves_the_booking_due_and_a_retry_pays(
    stripe_local, booking_due, deposit_client, django_capture_on_commit_callbacks
):
    with pytest.raises(PaymentDeclined):
        deposit_confirm(
            booking_id=booking_due.pk,
            actor=deposit_client,
            payment_method="pm_card_chargeCustomerFail",
        )
    booking_due.refresh_from_db()
    assert booking_due.status == S.DEPOSIT_DUE
    assert Payment.objects.get().status == Payment.Status.FAILED
    assert held() == 0
    pay(booking_due, deposit_client, django_capture_on_commit_callbacks)
    booking_due.refresh_from_db()
    assert booking_due.status == S.CONFIRMED
    assert list(Payment.objects.values_list("status", flat=True).order_by("pk")) == [
        Payment.Status.FAILED,
        Payment.Status.SUCCEEDED,
    ]


def test_only_the_client_may_pay_and_only_the_deposit(
    stripe_local, booking_due, deposit_owner
):
    stranger = client_account()
    for actor in (stranger, deposit_owner):
        with pytest.raises(NotFound):
            deposit_start(booking_id=booking_due.pk, actor=actor)
    for amount in (-1, 0, 5999, 6001, 55000):
        with pytest.raises(ValidationFailed):
            deposit_start(
                booking_id=booking_due.pk,
                actor=booking_due.client,
                amount_minor=amount,
            )
    assert Payment.objects.count() == 0


def test_no_deposit_to_pay_on_a_requested_booking(stripe_local, deposit_profile):
    client = client_account()
    booking = request_booking(
        deposit_profile,
        start=local_time(deposit_profile.home_city, days=4, hour=12),
        client=client,
    )
    with pytest.raises(DepositNotDue):
        deposit_start(booking_id=booking.pk, actor=client)


def test_unpaid_at_the_deadline_the_booking_expires_and_the_slot_is_free(
    booking_due, deposit_owner, deposit_profile, django_capture_on_commit_callbacks
):
    assert deposits_expire_unpaid(now=booking_due.expires_at - dt.timedelta(1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert deposits_expire_unpaid(now=booking_due.expires_at) == 1
    assert deposits_expire_unpaid(now=booking_due.expires_at) == 0  # runs twice
    booking_due.refresh_from_db()
    assert booking_due.status == S.EXPIRED
    # Both sides are told.
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {booking_due.client_id, deposit_owner.pk}
    # The exclusion constraint no longer guards the span: the time can be booked.
    again = request_booking(deposit_profile, start=booking_due.start)
    assert again.status == S.REQUESTED


def test_a_payment_after_expiry_is_refunded(
    stripe_local, booking_due, deposit_client, django_capture_on_commit_callbacks
):
    started = deposit_start(booking_id=booking_due.pk, actor=deposit_client)
    deposits_expire_unpaid(now=booking_due.expires_at)
    with django_capture_on_commit_callbacks(execute=True):
        payment_confirm(payment=started.payment, payment_method="pm_card_visa")
    booking_due.refresh_from_db()
    assert booking_due.status == S.EXPIRED
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.REFUNDED
    assert (
        Refund.objects.get().reason == "The deposit arrived after the booking expired."
    )
    assert held() == 0
    assert deposit_state(booking=booking_due) == "refunded"


@pytest.mark.parametrize(
    ("who", "action", "reason"),
    [
        ("owner", "cancel", "The provider cancelled the booking."),
        ("client", "cancel", "The client cancelled in time."),
    ],
)
def test_refund_rules(
    stripe_local,
    booking_due,
    deposit_client,
    deposit_owner,
    django_capture_on_commit_callbacks,
    who,
    action,
    reason,
):
    pay(booking_due, deposit_client, django_capture_on_commit_callbacks)
    actor = deposit_owner if who == "owner" else deposit_client
    with django_capture_on_commit_callbacks(execute=True):
        booking_act(booking_id=booking_due.pk, actor=actor, action=action)
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.REFUNDED
    refund = Refund.objects.get()
    assert (refund.amount_minor, refund.reason) == (6000, reason)
    assert held() == 0
    assert owed(deposit_owner.pk) == 0
    # Settling again (a replayed task, the sweep) changes nothing.
    assert deposit_settle(booking_id=booking_due.pk) == "nothing"
    assert Refund.objects.count() == 1
    assert not deposits_unsettled().exists()


def test_each_final_status_has_its_outcome(booking_due):
    """Declining applies to a request, which holds no money; the rule is kept
    for a deposit that arrives after it (like an expiry)."""
    expected = {
        S.DECLINED: "refund",
        S.CANCELLED_BY_PROVIDER: "refund",
        S.EXPIRED: "refund",
        S.CANCELLED_BY_CLIENT: "refund",  # three days ahead: in time
        S.NO_SHOW: "release",
        S.COMPLETED: "release",
        S.CONFIRMED: None,
        S.DEPOSIT_DUE: None,
    }
    for status, outcome in expected.items():
        booking_due.status = status
        got = deposit_outcome(booking=booking_due)
        assert (got[0] if got else None) == outcome, status


def test_late_client_cancellation_keeps_the_deposit_for_the_provider(
    stripe_local,
    booking_due,
    deposit_client,
    deposit_owner,
    django_capture_on_commit_callbacks,
):
    pay(booking_due, deposit_client, django_capture_on_commit_callbacks)
    booking_due.profile.booking_policy.cancellation_window_hours = 24 * 7
    booking_due.profile.booking_policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking_act(booking_id=booking_due.pk, actor=deposit_client, action="cancel")
    assert Refund.objects.count() == 0
    assert held() == 0
    assert owed(deposit_owner.pk) == 6000
    released = LedgerTransaction.objects.get(kind=K.DEPOSIT_RELEASED)
    assert released.cause_id == str(Payment.objects.get().pk)
    assert deposit_settle(booking_id=booking_due.pk) == "already"
    assert LedgerTransaction.objects.filter(kind=K.DEPOSIT_RELEASED).count() == 1
    booking_due.refresh_from_db()
    assert deposit_state(booking=booking_due) == "released"


@pytest.mark.parametrize("action", ["no-show", "complete"])
def test_no_show_and_completion_release_the_deposit(
    stripe_local,
    booking_due,
    deposit_client,
    deposit_owner,
    django_capture_on_commit_callbacks,
    action,
):
    pay(booking_due, deposit_client, django_capture_on_commit_callbacks)
    move_to_past(booking_due)
    with django_capture_on_commit_callbacks(execute=True):
        booking_act(booking_id=booking_due.pk, actor=deposit_owner, action=action)
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED
    assert held() == 0
    assert owed(deposit_owner.pk) == 6000
    assert LedgerTransaction.objects.filter(kind=K.DEPOSIT_RELEASED).count() == 1


def test_the_sweep_settles_what_the_outbox_missed(
    stripe_local,
    booking_due,
    deposit_client,
    deposit_owner,
    django_capture_on_commit_callbacks,
):
    pay(booking_due, deposit_client, django_capture_on_commit_callbacks)
    booking_act(booking_id=booking_due.pk, actor=deposit_owner, action="cancel")
    # The outbox recorded it; its delivery did not run (no commit here).
    assert OutboxEntry.objects.filter(task="bookings.tasks.settle_deposit").count() == 1
    assert list(deposits_unsettled()) == [booking_due]
    from bookings.tasks import settle_deposits_sweep

    assert settle_deposits_sweep() == 1
    assert Payment.objects.get().status == Payment.Status.REFUNDED
    assert not deposits_unsettled().exists()
