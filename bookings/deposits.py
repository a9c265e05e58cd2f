"""Deposits in the booking flow (docs/deposits.md).

A booking whose policy asks for a deposit reaches ``deposit_due`` with a
deadline (``expires_at``: ``BOOKING_DEPOSIT_HOURS`` after acceptance, never
after the start). Its client pays through ``payments`` (a payment intent whose
reference is the booking); ``payment_succeeded`` confirms the booking in the
payment's own transaction, whichever path reported it first (the client's
return, the webhook): ``booking_deposit_paid`` moves only a booking that is
still due, so it happens once.

When the booking ends, the policy decides where the money goes, once:
provider declines or cancels, the client cancels before the cancellation window,
the booking expired (a late payment) -> full refund; late client cancellation,
no-show, completed -> released to the provider (ledger ``deposit_released``,
unique per payment). Gateway calls are never made inside a transaction: a
status change records the settlement in the outbox, which hands it to a task
after commit; a beat sweep settles whatever that missed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking, BookingEvent
from bookings.selectors import policy_for
from bookings.services import booking_deposit_paid
from bookings.services.records import S, _move
from core.exceptions import Conflict, NotFound, ValidationFailed
from core.outbox import outbox_enqueue
from payments.exceptions import (
    AlreadyPaid,
    DepositAlreadyReleased,
    NotRefundable,
    RefundInFlight,
    RefundTooLarge,
)
from payments.gateways import get_gateway
from payments.models import LedgerTransaction, Payment
from payments.selectors import payment_for_reference
from payments.services import (
    PaymentStarted,
    payment_apply_gateway_state,
    payment_confirm,
    payment_refund,
    payment_start,
)
from payments.services import deposit_release as payments_deposit_release

logger = logging.getLogger(__name__)
REFERENCE_TYPE = Booking._meta.label_lower  # "bookings.booking"
DEPOSIT = Payment.Purpose.DEPOSIT
HELD = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)
# Where each final status sends a paid deposit (a client's cancellation
# depends on when it happened: see deposit_outcome).
REFUNDED_ON = {
    S.DECLINED: "The provider declined the booking.",
    S.CANCELLED_BY_PROVIDER: "The provider cancelled the booking.",
    S.EXPIRED: "The deposit arrived after the booking expired.",
}
RELEASED_ON = (S.NO_SHOW, S.COMPLETED)
SETTLED_ON = (*REFUNDED_ON, *RELEASED_ON, S.CANCELLED_BY_CLIENT)
REFUND = "refund"
# pg_advisory_lock(namespace, booking id) around a deposit's confirmation
# (bookings.services.records uses 5141 for its profile lock).
CONFIRM_LOCK_NAMESPACE = 5_142
RELEASE = "release"


class DepositNotDue(Conflict):
    code = "deposit_not_due"
    default_message = "This booking has no deposit to pay now."


def deposit_hours() -> int:
    return int(getattr(settings, "BOOKING_DEPOSIT_HOURS", 24))


def deposit_deadline(*, booking: Booking, now: dt.datetime) -> dt.datetime:
    """When an unpaid deposit lets the booking expire: the policy's hours from
    now, never after the start."""
    return min(now + dt.timedelta(hours=deposit_hours()), booking.start)


# --- reads -----------------------------------------------------------------------


def deposit_payment_of(*, booking: Booking) -> Payment | None:
    """The booking's open or paid deposit payment, if any."""
    return payment_for_reference(
        purpose=DEPOSIT, reference_type=REFERENCE_TYPE, reference_id=str(booking.pk)
    )


def deposit_booking_for_client(*, user: User, booking_id: int) -> Booking:
    """The booking only its client may pay for; anyone else gets 404."""
    booking = (
        Booking.objects.select_related("profile", "city")
        .filter(pk=booking_id, client_id=user.pk)
        .first()
        if user.is_authenticated
        else None
    )
    if booking is None:
        raise NotFound("Booking not found.")
    return booking


def deposit_state(*, booking: Booking) -> str:
    """What the booking's two sides read about the deposit: "none", "due",
    "held", "released" or "refunded"."""
    if not booking.deposit_minor:
        return "none"
    if booking.status == S.DEPOSIT_DUE:
        return "due"
    payment = deposit_payment_of(booking=booking)
    if payment is None or payment.status not in Payment.PAID_STATUSES:
        return "none"
    if payment.status == Payment.Status.REFUNDED:
        return "refunded"
    released = LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.DEPOSIT_RELEASED,
        cause_type=Payment._meta.label_lower,
        cause_id=str(payment.pk),
    ).exists()
    return "released" if released else "held"


# --- paying ----------------------------------------------------------------------


def deposit_start(
    *, booking_id: int, actor: User, amount_minor: int | None = None
) -> PaymentStarted:
    """Start (or resume) the deposit payment of the actor's own booking. 404
    for anyone else's, 409 when nothing is due or it was paid, 400 for an
    amount other than the booking's deposit."""
    booking = deposit_booking_for_client(user=actor, booking_id=booking_id)
    if amount_minor is not None and amount_minor != booking.deposit_minor:
        raise ValidationFailed(
            fields={"amount_minor": [f"The deposit is {booking.deposit_minor}."]}
        )
    _check_due(booking)
    return payment_start(
        payer=actor,
        amount_minor=booking.deposit_minor,
        currency=booking.currency,
        purpose=DEPOSIT,
        reference=booking,
    )


def _check_due(booking: Booking) -> None:
    if booking.status == S.DEPOSIT_DUE and booking.deposit_minor:
        if booking.expires_at is None or booking.expires_at > timezone.now():
            return
        raise DepositNotDue("The time to pay this deposit has passed.")
    payment = deposit_payment_of(booking=booking)
    if payment is not None and payment.status in Payment.PAID_STATUSES:
        raise AlreadyPaid()
    raise DepositNotDue()


def deposit_confirm(*, booking_id: int, actor: User, payment_method: str) -> Payment:
    """Confirm the deposit with a payment method the browser created at the
    gateway (Stripe.js: the card never reaches us). Declines raise the card
    error (402) and leave the payment failed; a retry starts a new one."""
    with _confirming(booking_id):
        try:
            started = deposit_start(booking_id=booking_id, actor=actor)
        except AlreadyPaid:
            # A double click or a resent request after the first paid: the
            # same answer, no second charge.
            booking = deposit_booking_for_client(user=actor, booking_id=booking_id)
            payment = deposit_payment_of(booking=booking)
            if payment is None or payment.payer_id != actor.pk:
                raise
            return payment
        return payment_confirm(payment=started.payment, payment_method=payment_method)


@contextmanager
def _confirming(booking_id: int) -> Iterator[None]:
    """One confirmation of a booking's deposit at a time. A session-level
    advisory lock, not a transaction: the gateway call must not run inside
    one (payments.services), and the lock is released even if it fails."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_lock(%s, %s)", [CONFIRM_LOCK_NAMESPACE, booking_id]
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, %s)",
                [CONFIRM_LOCK_NAMESPACE, booking_id],
            )


def deposit_sync(*, booking_id: int, actor: User) -> Payment | None:
    """The return from the payment page: ask the gateway how the intent stands
    and apply it (forward only), so the booking confirms without waiting for
    the webhook. The webhook applying it too changes nothing twice."""
    booking = deposit_booking_for_client(user=actor, booking_id=booking_id)
    payment = deposit_payment_of(booking=booking)
    if payment is None or not payment.gateway_payment_id:
        return payment
    if payment.status in Payment.PAID_STATUSES:
        return payment
    state = get_gateway(payment.gateway).retrieve_payment(
        payment_id=payment.gateway_payment_id
    )
    return payment_apply_gateway_state(gateway=payment.gateway, state=state)


def deposit_on_payment_succeeded(
    sender: object,
    *,
    payment: Payment,
    purpose: str,
    reference_type: str,
    reference_id: str,
    **kwargs: object,
) -> None:
    """payments.signals.payment_succeeded, inside the payment's transaction: a
    deposit confirms its booking; one that arrives for a booking that is no
    longer due (expired, cancelled) is settled (refunded) after commit."""
    if purpose != DEPOSIT or reference_type != REFERENCE_TYPE:
        return
    if (
        not reference_id.isdigit()
        or not Booking.objects.filter(pk=reference_id).exists()
    ):
        # Not ours to settle (a manual payment naming no booking): payments
        # keeps the money in deposits_held and the admin decides.
        logger.warning("deposit payment %s names no booking", payment.pk)
        return
    booking = booking_deposit_paid(booking_id=int(reference_id))
    if booking.status in SETTLED_ON:
        deposit_settle_later(booking_id=booking.pk)


# --- the deadline ----------------------------------------------------------------


def deposits_expire_unpaid(*, now: dt.datetime | None = None) -> int:
    """Expire bookings whose deposit was not paid by the deadline (or by the
    start): the exclusion constraint no longer guards their span, so the slot
    is free again. Both sides are told. Safe to run twice."""
    now = now or timezone.now()
    due = Booking.objects.filter(status=S.DEPOSIT_DUE).filter(
        Q(expires_at__lte=now) | Q(start__lte=now)
    )
    done = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            booking = Booking.objects.select_for_update().get(pk=pk)
            if booking.status != S.DEPOSIT_DUE:
                continue  # paid meanwhile
            _move(booking, to=S.EXPIRED, actor=None, reason="Deposit not paid in time.")
            from bookings.tasks import notify_deposit_expired

            outbox_enqueue(notify_deposit_expired, booking.pk)
            done += 1
    return done


# --- settling --------------------------------------------------------------------


def deposit_settle_later(*, booking_id: int) -> None:
    """Record in the caller's transaction that this booking's deposit must be
    settled (core.outbox)."""
    from bookings.tasks import settle_deposit

    outbox_enqueue(settle_deposit, booking_id)


def deposit_outcome(*, booking: Booking) -> tuple[str, str] | None:
    """(refund | release, reason) for a booking in a final status, by the
    policy; None while it is still open."""
    if booking.status in REFUNDED_ON:
        return REFUND, REFUNDED_ON[booking.status]
    if booking.status in RELEASED_ON:
        return RELEASE, booking.get_status_display()
    if booking.status != S.CANCELLED_BY_CLIENT:
        return None
    cancelled = (
        BookingEvent.objects.filter(booking=booking, to_status=S.CANCELLED_BY_CLIENT)
        .order_by("-pk")
        .values_list("created_at", flat=True)
        .first()
    ) or timezone.now()
    policy = policy_for(profile=booking.profile)
    window = dt.timedelta(hours=policy.cancellation_window_hours)
    if booking.start - cancelled < window:
        return RELEASE, "Late cancellation by the client."
    return REFUND, "The client cancelled in time."


def deposit_settle(*, booking_id: int) -> str:
    """Refund or release a held deposit by the policy, once: a refund is bounded
    by what was paid (payments refuses a second one), a release posts one
    ledger transaction per payment (unique kind and cause). Call outside a
    transaction (a refund calls the gateway)."""
    booking = Booking.objects.select_related("profile").get(pk=booking_id)
    payment = deposit_payment_of(booking=booking)
    outcome = deposit_outcome(booking=booking)
    if payment is None or payment.status not in HELD or outcome is None:
        return "nothing"
    action, reason = outcome
    if action == REFUND:
        return _refund(payment, reason=reason)
    return deposit_release(payment_id=payment.pk, owner_id=booking.profile.owner_id)


def _refund(payment: Payment, *, reason: str) -> str:
    if _released(payment):
        return "released"
    try:
        payment_refund(
            payment=payment,
            amount_minor=payment.refundable_minor,
            reason=reason,
            actor=None,
        )
    except (RefundTooLarge, NotRefundable):
        return "already"  # a concurrent settlement holds or made the refund
    except DepositAlreadyReleased:
        return "released"  # a concurrent settlement released it first
    return "refunded"


def _released(payment: Payment) -> bool:
    return LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.DEPOSIT_RELEASED,
        cause_type=Payment._meta.label_lower,
        cause_id=str(payment.pk),
    ).exists()


def deposit_release(*, payment_id: int, owner_id: int) -> str:
    """deposits_held -> provider_payable:<owner>, once per payment, through
    payments' one home of the rule (refused while a refund is in flight, so
    deposits_held never goes below zero for the payment)."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status not in HELD:
        return "nothing"
    try:
        payments_deposit_release(payment=payment, provider_id=owner_id)
    except IntegrityError:
        return "already"
    except NotRefundable:
        return "nothing"
    except RefundInFlight:
        return "refund_in_flight"
    return "released"


def deposits_unsettled() -> QuerySet[Booking]:
    """Final bookings whose paid deposit is neither refunded nor released: the
    sweep's work list (empty when the outbox did its job)."""
    released = LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.DEPOSIT_RELEASED,
        cause_type=Payment._meta.label_lower,
        cause_id=OuterRef("pk_text"),
    )
    held = (
        Payment.objects.filter(
            purpose=DEPOSIT,
            reference_type=REFERENCE_TYPE,
            reference_id=Cast(OuterRef("pk"), CharField()),
            status__in=HELD,
        )
        .annotate(pk_text=Cast("pk", CharField()))
        .filter(~Exists(released))
    )
    return Booking.objects.filter(status__in=SETTLED_ON, deposit_minor__gt=0).filter(
        Exists(held)
    )
