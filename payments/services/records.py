"""Shared parts of the payment services: statuses and their precedence, the
ledger posting, the recorded gateway call, input checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import models, transaction
from django.utils import timezone

from core.exceptions import ApplicationError, ValidationFailed
from payments.exceptions import (
    InvalidAmount,
    PaymentNotFound,
)
from payments.gateways.base import PaymentGateway
from payments.models import (
    GatewayOperation,
    LedgerEntry,
    LedgerTransaction,
    Payment,
)

T = TypeVar("T")
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


# --- helpers --------------------------------------------------------------------


def gateway_call(
    *,
    adapter: PaymentGateway,
    kind: str,
    key: str,
    payment: Payment | None,
    summary: dict,
    call: Callable[[str], T],
) -> T:
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
