"""payments tells us about the invoices' payments by its signals (sent inside
its transaction, once per change); payments never imports us."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from payments.models import Payment
from payments.signals import payment_failed, payment_succeeded

INVOICE_REFERENCE = "subscriptions.invoice"


def _ours(purpose: str, reference_type: str) -> bool:
    return (
        purpose == Payment.Purpose.SUBSCRIPTION and reference_type == INVOICE_REFERENCE
    )


@receiver(payment_succeeded, dispatch_uid="subscriptions_invoice_paid")
def _paid(
    sender: Any,
    payment: Payment,
    purpose: str,
    reference_type: str,
    reference_id: str,
    **kwargs: Any,
) -> None:
    if _ours(purpose, reference_type):
        from subscriptions.services import invoice_settle_paid

        invoice_settle_paid(invoice_id=int(reference_id), payment=payment)


@receiver(payment_failed, dispatch_uid="subscriptions_invoice_failed")
def _failed(
    sender: Any,
    payment: Payment,
    purpose: str,
    reference_type: str,
    reference_id: str,
    **kwargs: Any,
) -> None:
    if _ours(purpose, reference_type):
        from subscriptions.services import invoice_settle_failed

        invoice_settle_failed(invoice_id=int(reference_id), payment=payment)
