"""Starting, confirming and settling payments (docs/payments.md). A gateway
call is never made inside the transaction that decides it: the decision commits
first (the payment row, the GatewayOperation with its idempotency key), then the
call, then a second transaction applies the answer. Call these outside an atomic
block so that the operation record of a failed call survives the error."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ValidationFailed
from payments import events, ledger
from payments.exceptions import (
    AlreadyPaid,
    NotRefundable,
    PaymentClosed,
    PaymentDeclined,
    PaymentMismatch,
    RefundInFlight,
)
from payments.gateways import get_gateway
from payments.gateways.base import GatewayPayment
from payments.models import (
    LedgerTransaction,
    Payment,
    Refund,
)
from payments.services.records import (
    KIND_OF_PURPOSE,
    STATUS_PRECEDENCE,
    K,
    PaymentStarted,
    Reference,
    S,
    _check_money,
    _locked,
    _reference,
    _send,
    gateway_call,
    ledger_post,
)
from payments.signals import payment_failed, payment_succeeded

# --- starting and confirming ----------------------------------------------------


def payment_start(
    *,
    payer: User,
    amount_minor: int,
    currency: str,
    purpose: str,
    reference: Reference,
    gateway: str = "stripe",
    customer: str = "",
    payment_method: str = "",
    off_session: bool = False,
    setup_future_usage: str = "",
) -> PaymentStarted:
    """A payment intent for ``reference`` and its client secret. Idempotent per
    reference: while it is unpaid, a second start returns the same intent;
    once paid, AlreadyPaid (409).

    ``customer`` and ``setup_future_usage="off_session"`` save the card the
    payer confirms with to the gateway customer; ``off_session=True`` with
    ``customer`` and a saved ``payment_method`` charges it now without the
    payer (a renewal): the answer is applied before returning, and a decline
    (``authentication_required`` included) marks the payment failed, sends
    ``payment_failed`` and raises the card error."""
    _check_money(amount_minor, currency)
    if purpose not in Payment.Purpose.values:
        raise ValidationFailed(fields={"purpose": ["Unknown purpose."]})
    adapter = get_gateway(gateway)
    payment = _payment_for_reference(
        payer=payer,
        amount_minor=amount_minor,
        currency=currency,
        purpose=purpose,
        reference=_reference(reference),
        gateway=gateway,
    )
    if payment.gateway_payment_id:
        found = adapter.retrieve_payment(payment_id=payment.gateway_payment_id)
        if found.status in (S.SUCCEEDED, S.FAILED, S.CANCELED):
            # Paid or closed at the gateway before its webhook reached us:
            # catch up, then refuse (paid) or start afresh (closed).
            payment = payment_apply_gateway_state(gateway=gateway, state=found)
            if payment.status in Payment.PAID_STATUSES:
                raise AlreadyPaid()
            if payment.status in Payment.CLOSED_UNPAID:
                return payment_start(
                    payer=payer,
                    amount_minor=amount_minor,
                    currency=currency,
                    purpose=purpose,
                    reference=reference,
                    gateway=gateway,
                    customer=customer,
                    payment_method=payment_method,
                    off_session=off_session,
                    setup_future_usage=setup_future_usage,
                )
        return PaymentStarted(payment=payment, client_secret=found.client_secret)
    summary = {"amount_minor": amount_minor, "currency": currency}
    if customer:
        summary |= {"customer": customer, "off_session": off_session}
    try:
        created = gateway_call(
            adapter=adapter,
            kind="create_payment",
            key=f"payment:{payment.pk}:create",
            payment=payment,
            summary=summary,
            call=lambda key: adapter.create_payment(
                amount_minor=amount_minor,
                currency=currency,
                metadata={"payment_id": str(payment.pk), "purpose": purpose},
                idempotency_key=key,
                customer=customer,
                payment_method=payment_method,
                off_session=off_session,
                setup_future_usage=setup_future_usage,
            ),
        )
    except PaymentDeclined as exc:
        if off_session:
            _declined_at_create(payment_id=payment.pk, error=exc)
        raise
    # A concurrent start with the same key got the same intent from Stripe;
    # the first to store it wins, the other answers with the stored one.
    Payment.objects.filter(pk=payment.pk, gateway_payment_id__isnull=True).update(
        gateway_payment_id=created.id, updated_at=timezone.now()
    )
    payment.refresh_from_db()
    if payment.gateway_payment_id != created.id:
        created = adapter.retrieve_payment(payment_id=payment.gateway_payment_id)
    if off_session:
        # Confirmed in the create call: settle what the gateway answered.
        payment = payment_apply_gateway_state(gateway=gateway, state=created)
    return PaymentStarted(payment=payment, client_secret=created.client_secret)


@transaction.atomic
def _declined_at_create(*, payment_id: int, error: PaymentDeclined) -> Payment:
    """An off-session create-and-confirm was declined: the payment fails (with
    the gateway's intent id when it named one), once, with its signal."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if S.FAILED not in STATUS_PRECEDENCE.get(payment.status, ()):
        return payment
    payment.status = S.FAILED
    payment.failure_code = error.code[:60]
    payment.failure_message = error.message[:500]
    fields = ["status", "failure_code", "failure_message", "updated_at"]
    if error.gateway_payment_id and not payment.gateway_payment_id:
        payment.gateway_payment_id = error.gateway_payment_id
        fields.append("gateway_payment_id")
    payment.save(update_fields=fields)
    _send(payment_failed, payment)
    return payment


def payment_confirm(*, payment: Payment, payment_method: str) -> Payment:
    """Confirm server-side with a payment method id (a Stripe.js-created
    ``pm_...`` or a test method such as ``pm_card_visa``). Declines mark the
    payment failed (committed) and raise the card error (402)."""
    if payment.status in Payment.PAID_STATUSES:
        raise AlreadyPaid()
    if (
        payment.status not in (S.REQUIRES_PAYMENT_METHOD, S.REQUIRES_ACTION)
        or not payment.gateway_payment_id
    ):
        raise PaymentClosed()
    if not isinstance(payment_method, str) or not payment_method.strip():
        raise ValidationFailed(fields={"payment_method": ["Choose a card."]})
    adapter = get_gateway(payment.gateway)
    try:
        result = gateway_call(
            adapter=adapter,
            kind="confirm",
            key=f"payment:{payment.pk}:confirm:{payment_method}",
            payment=payment,
            summary={"payment_method": payment_method[:60]},
            call=lambda key: adapter.confirm_payment(
                payment_id=payment.gateway_payment_id,
                payment_method=payment_method,
                idempotency_key=key,
            ),
        )
    except PaymentDeclined as exc:
        payment_mark_failed(
            gateway_payment_id=payment.gateway_payment_id,
            gateway=payment.gateway,
            failure_code=exc.code,
            failure_message=exc.message,
        )
        raise
    return payment_apply_gateway_state(gateway=payment.gateway, state=result)


def payment_apply_gateway_state(*, gateway: str, state: GatewayPayment) -> Payment:
    """Bring our record to what the gateway says, forward only."""
    if state.status == S.SUCCEEDED:
        return payment_confirm_succeeded(gateway_payment_id=state.id, gateway=gateway)
    if state.status == S.FAILED:
        return payment_mark_failed(
            gateway_payment_id=state.id,
            gateway=gateway,
            failure_code=state.failure_code,
            failure_message=state.failure_message,
        )
    return payment_set_status(
        gateway_payment_id=state.id, gateway=gateway, status=state.status
    )


@transaction.atomic
def payment_confirm_succeeded(
    *, gateway_payment_id: str, gateway: str = "stripe"
) -> Payment:
    """The payment succeeded. Idempotent: the row lock makes concurrent calls
    queue, and only the first finds it unpaid, posts the ledger and sends
    ``payment_succeeded``; the rest return the paid payment."""
    payment = _locked(gateway_payment_id=gateway_payment_id, gateway=gateway)
    if payment.status in Payment.PAID_STATUSES:
        return payment
    payment.status = S.SUCCEEDED
    payment.succeeded_at = timezone.now()
    payment.failure_code = payment.failure_message = ""
    payment.save(
        update_fields=[
            "status",
            "succeeded_at",
            "failure_code",
            "failure_message",
            "updated_at",
        ]
    )
    adapter = get_gateway(gateway)
    income = (
        ledger.DEPOSITS_HELD
        if payment.purpose == Payment.Purpose.DEPOSIT
        else ledger.PLATFORM_REVENUE
    )
    ledger_post(
        kind=KIND_OF_PURPOSE[payment.purpose],
        cause=payment,
        entries=[
            (adapter.clearing_account, payment.amount_minor),
            (income, -payment.amount_minor),
        ],
        currency=payment.currency,
    )
    _send(payment_succeeded, payment)
    return payment


@transaction.atomic
def payment_mark_failed(
    *,
    gateway_payment_id: str,
    gateway: str,
    failure_code: str = "",
    failure_message: str = "",
) -> Payment:
    payment = _locked(gateway_payment_id=gateway_payment_id, gateway=gateway)
    if S.FAILED not in STATUS_PRECEDENCE.get(payment.status, ()):
        return (
            payment  # paid, cancelled or failed already: a late event changes nothing
        )
    payment.status = S.FAILED
    payment.failure_code = (failure_code or "card_declined")[:60]
    payment.failure_message = failure_message[:500]
    payment.save(
        update_fields=["status", "failure_code", "failure_message", "updated_at"]
    )
    _send(payment_failed, payment)
    return payment


@transaction.atomic
def payment_set_status(
    *, gateway_payment_id: str, gateway: str, status: str
) -> Payment:
    """Intermediate states (requires_action, processing, canceled), forward only."""
    payment = _locked(gateway_payment_id=gateway_payment_id, gateway=gateway)
    if status in STATUS_PRECEDENCE.get(payment.status, ()):
        payment.status = status
        payment.save(update_fields=["status", "updated_at"])
    return payment


def payment_record_manual(
    *,
    payer: User,
    amount_minor: int,
    currency: str,
    purpose: str,
    reference: Reference,
    actor: User,
    note: str,
) -> Payment:
    """An admin records money received offline (bank transfer, cash): the
    payment is created and succeeds at once (ledger: cash), audited."""
    started = payment_start(
        payer=payer,
        amount_minor=amount_minor,
        currency=currency,
        purpose=purpose,
        reference=reference,
        gateway="manual",
    )
    with transaction.atomic():
        payment = payment_confirm_succeeded(
            gateway_payment_id=started.payment.gateway_payment_id, gateway="manual"
        )
        events.payment_recorded_manually_event(payment=payment, actor=actor, note=note)
    return payment


@transaction.atomic
def deposit_release(*, payment: Payment, provider_id: int) -> LedgerTransaction:
    """A kept deposit (late cancellation, no-show, completed booking) becomes
    owed to the provider: deposits_held -> provider_payable:<id>, for what was
    not refunded. Once per payment (the ledger's unique cause)."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.purpose != Payment.Purpose.DEPOSIT or locked.status not in (
        S.SUCCEEDED,
        S.PARTIALLY_REFUNDED,
    ):
        raise NotRefundable("Only a paid deposit can be released.")
    if locked.refunds.filter(status=Refund.Status.PENDING).exists():
        # Releasing now would count money a refund is about to take back:
        # deposits_held would go below zero for this payment.
        raise RefundInFlight()
    kept = locked.refundable_minor
    return ledger_post(
        kind=K.DEPOSIT_RELEASED,
        cause=locked,
        entries=[
            (ledger.DEPOSITS_HELD, kept),
            (ledger.provider_payable(provider_id), -kept),
        ],
        currency=locked.currency,
    )


def _payment_for_reference(
    *,
    payer: User,
    amount_minor: int,
    currency: str,
    purpose: str,
    reference: tuple[str, str],
    gateway: str,
) -> Payment:
    lookup = {
        "purpose": purpose,
        "reference_type": reference[0],
        "reference_id": reference[1],
    }
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                payer=payer,
                amount_minor=amount_minor,
                currency=currency,
                gateway=gateway,
                **lookup,
            )
    except IntegrityError:
        # One open or paid payment per reference (the constraint decided).
        payment = Payment.objects.exclude(status__in=Payment.CLOSED_UNPAID).get(
            **lookup
        )
    if payment.status in Payment.PAID_STATUSES:
        raise AlreadyPaid()
    if (payment.payer_id, payment.amount_minor, payment.currency, payment.gateway) != (
        payer.pk,
        amount_minor,
        currency,
        gateway,
    ):
        raise PaymentMismatch()
    return payment
