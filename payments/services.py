"""Payment writes (docs/payments.md). A gateway call is never made inside the
transaction that decides it: the decision commits first (the payment row, the
GatewayOperation with its idempotency key), then the call, then a second
transaction applies the answer. Call these outside an atomic block so that the
operation record of a failed call survives the error."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError, ValidationFailed
from payments import events, ledger
from payments.exceptions import (
    AlreadyPaid,
    InvalidAmount,
    NotRefundable,
    PaymentDeclined,
    PaymentMismatch,
    PaymentNotFound,
    RefundTooLarge,
)
from payments.gateways import get_gateway
from payments.gateways.base import GatewayEvent, GatewayPayment, PaymentGateway
from payments.models import (
    GatewayOperation,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Refund,
    WebhookEvent,
)
from payments.signals import payment_failed, payment_refunded, payment_succeeded

logger = logging.getLogger(__name__)
S = Payment.Status
K = LedgerTransaction.Kind
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT_MINOR = 10**12
KIND_OF_PURPOSE = {
    Payment.Purpose.DEPOSIT: K.DEPOSIT_PAID,
    Payment.Purpose.SUBSCRIPTION: K.SUBSCRIPTION_CHARGE,
    Payment.Purpose.OTHER: K.OTHER_CHARGE,
}
# Webhooks arrive late, twice or out of order. A payment moves only forward:
# from these statuses, an event may move it to those (succeeded and refunds
# have their own services).
STATUS_PRECEDENCE: dict[str, frozenset[str]] = {
    S.REQUIRES_PAYMENT_METHOD: frozenset(
        {S.REQUIRES_ACTION, S.PROCESSING, S.FAILED, S.CANCELED}
    ),
    S.REQUIRES_ACTION: frozenset({S.PROCESSING, S.FAILED, S.CANCELED}),
    S.PROCESSING: frozenset({S.FAILED, S.CANCELED}),
}


@dataclass(frozen=True)
class PaymentStarted:
    payment: Payment
    client_secret: str


Reference = models.Model | tuple[str, str]


# --- the ledger -----------------------------------------------------------------


def ledger_post(
    *,
    kind: str,
    cause: models.Model,
    entries: Sequence[tuple[str, int]],
    currency: str,
) -> LedgerTransaction:
    """Post one balanced transaction. The database checks the balance again at
    commit and refuses any later change; (kind, cause) is unique, so a cause
    posts each kind once."""
    if (
        len(entries) < 2
        or sum(a for _, a in entries) != 0
        or any(a == 0 for _, a in entries)
    ):
        raise ValueError(f"unbalanced or empty ledger entries: {entries!r}")
    with transaction.atomic():
        txn = LedgerTransaction.objects.create(
            kind=kind, cause_type=cause._meta.label_lower, cause_id=str(cause.pk)
        )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                transaction=txn, account=acc, amount_minor=amt, currency=currency
            )
            for acc, amt in entries
        )
    return txn


# --- starting and confirming ----------------------------------------------------


def payment_start(
    *,
    payer: User,
    amount_minor: int,
    currency: str,
    purpose: str,
    reference: Reference,
    gateway: str = "stripe",
) -> PaymentStarted:
    """A payment intent for ``reference`` and its client secret. Idempotent per
    reference: while it is unpaid, a second start returns the same intent;
    once paid, AlreadyPaid (409)."""
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
        return PaymentStarted(payment=payment, client_secret=found.client_secret)
    created = gateway_call(
        adapter=adapter,
        kind="create_payment",
        key=f"payment:{payment.pk}:create",
        payment=payment,
        summary={"amount_minor": amount_minor, "currency": currency},
        call=lambda key: adapter.create_payment(
            amount_minor=amount_minor,
            currency=currency,
            metadata={"payment_id": str(payment.pk), "purpose": purpose},
            idempotency_key=key,
        ),
    )
    # A concurrent start with the same key got the same intent from Stripe;
    # the first to store it wins, the other answers with the stored one.
    Payment.objects.filter(pk=payment.pk, gateway_payment_id__isnull=True).update(
        gateway_payment_id=created.id, updated_at=timezone.now()
    )
    payment.refresh_from_db()
    if payment.gateway_payment_id != created.id:
        created = adapter.retrieve_payment(payment_id=payment.gateway_payment_id)
    return PaymentStarted(payment=payment, client_secret=created.client_secret)


def payment_confirm(*, payment: Payment, payment_method: str) -> Payment:
    """Confirm server-side with a payment method id (a Stripe.js-created
    ``pm_...`` or a test method such as ``pm_card_visa``). Declines mark the
    payment failed (committed) and raise the card error (402)."""
    if payment.status not in (S.REQUIRES_PAYMENT_METHOD, S.REQUIRES_ACTION):
        if payment.status in Payment.PAID_STATUSES:
            raise AlreadyPaid()
        raise NotRefundable("This payment can no longer be confirmed.")
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


# --- refunds --------------------------------------------------------------------


def payment_refund(
    *, payment: Payment, amount_minor: int, reason: str, actor: User | None
) -> Refund:
    """Refund part or all of a paid payment. More than paid minus refunded
    (counting refunds in flight) is refused (400), before any gateway call."""
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


# --- webhooks -------------------------------------------------------------------


def webhook_event_receive(
    *, gateway: str, event: GatewayEvent
) -> tuple[WebhookEvent, bool]:
    """Store a verified event once (unique gateway + event id) and queue its
    processing in the same transaction (core.outbox). A duplicate returns the
    stored row and False, and queues nothing."""
    from payments.tasks import webhook_event_process_task

    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(
                gateway=gateway,
                event_id=event.id,
                type=event.type,
                payload=event.payload,
            )
            from core.outbox import outbox_enqueue

            outbox_enqueue(webhook_event_process_task, stored.pk)
    except IntegrityError:
        return WebhookEvent.objects.get(gateway=gateway, event_id=event.id), False
    return stored, True


HANDLED_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.processing",
    "payment_intent.requires_action",
    "payment_intent.canceled",
}


@transaction.atomic
def webhook_event_process(*, event_id: int) -> str:
    """Apply one stored event and mark it processed in the same transaction:
    a second delivery finds it processed and does nothing."""
    event = WebhookEvent.objects.select_for_update().get(pk=event_id)
    if event.processed_at is not None:
        return event.outcome
    event.outcome = _apply_event(event)
    event.processed_at = timezone.now()
    event.save(update_fields=["outcome", "processed_at"])
    return event.outcome


def _apply_event(event: WebhookEvent) -> str:
    Outcome = WebhookEvent.Outcome  # noqa: N806
    if event.type not in HANDLED_EVENTS:
        return Outcome.IGNORED
    obj = event.payload.get("data", {}).get("object", {})
    pid = str(obj.get("id", ""))
    before = (
        Payment.objects.filter(gateway=event.gateway, gateway_payment_id=pid)
        .values_list("status", flat=True)
        .first()
    )
    if before is None:
        logger.warning("webhook %s names no payment of ours: %s", event.event_id, pid)
        return Outcome.IGNORED
    if event.type == "payment_intent.succeeded":
        after = payment_confirm_succeeded(gateway_payment_id=pid, gateway=event.gateway)
    elif event.type == "payment_intent.payment_failed":
        error = obj.get("last_payment_error") or {}
        after = payment_mark_failed(
            gateway_payment_id=pid,
            gateway=event.gateway,
            failure_code=str(error.get("code") or ""),
            failure_message=str(error.get("message") or ""),
        )
    else:
        status = event.type.removeprefix("payment_intent.")
        after = payment_set_status(
            gateway_payment_id=pid, gateway=event.gateway, status=status
        )
    return Outcome.APPLIED if after.status != before else Outcome.UNCHANGED


# --- helpers --------------------------------------------------------------------


def gateway_call(
    *,
    adapter: PaymentGateway,
    kind: str,
    key: str,
    payment: Payment | None,
    summary: dict,
    call,
):  # noqa: ANN001, ANN201 - call(key) -> the adapter's result
    """Record the operation and its key (committed first when no outer
    transaction), make the call with the key, record the outcome."""
    op, _ = GatewayOperation.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "gateway": adapter.name,
            "kind": kind,
            "payment": payment,
            "request_summary": summary,
        },
    )
    try:
        result = call(key)
    except ApplicationError as exc:
        _op_finished(
            op,
            status=GatewayOperation.Status.FAILED,
            error=f"{exc.code}: {exc.message}",
        )
        raise
    _op_finished(
        op,
        status=GatewayOperation.Status.SUCCEEDED,
        object_id=str(getattr(result, "id", result)),
    )
    return result


def _op_finished(
    op: GatewayOperation, *, status: str, error: str = "", object_id: str = ""
) -> None:
    GatewayOperation.objects.filter(pk=op.pk).update(
        status=status,
        error=error[:500],
        gateway_object_id=object_id[:255],
        attempts=models.F("attempts") + 1,
        finished_at=timezone.now(),
    )


def _check_money(amount_minor: object, currency: str) -> None:
    if type(amount_minor) is not int or not 0 < amount_minor <= MAX_AMOUNT_MINOR:
        raise InvalidAmount(fields={"amount_minor": [InvalidAmount.default_message]})
    if not isinstance(currency, str) or not CURRENCY.match(currency):
        raise ValidationFailed(fields={"currency": ["An ISO 4217 code, e.g. EUR."]})


def _reference(reference: Reference) -> tuple[str, str]:
    if isinstance(reference, models.Model):
        return reference._meta.label_lower, str(reference.pk)
    kind, ident = reference
    return str(kind), str(ident)


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


def _locked(*, gateway_payment_id: str, gateway: str) -> Payment:
    payment = (
        Payment.objects.select_for_update()
        .filter(gateway=gateway, gateway_payment_id=gateway_payment_id)
        .first()
    )
    if payment is None:
        raise PaymentNotFound()
    return payment


def _send(signal, payment: Payment, **extra: object) -> None:  # noqa: ANN001 - a Signal
    signal.send(
        sender=Payment,
        payment=payment,
        purpose=payment.purpose,
        reference_type=payment.reference_type,
        reference_id=payment.reference_id,
        **extra,
    )
