"""Reads of payments and the ledger."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from accounts.models import User
from payments.models import LedgerEntry, Payment


def account_balance(*, account: str, currency: str) -> int:
    """The signed sum of an account's entries in minor units (positive: debit)."""
    total = LedgerEntry.objects.filter(account=account, currency=currency).aggregate(
        total=Sum("amount_minor")
    )["total"]
    return int(total or 0)


def payments_of(*, user: User) -> QuerySet[Payment]:
    """A payer's own payments, newest first (what they may see: invariant 8)."""
    return Payment.objects.filter(payer=user).prefetch_related("refunds")


def payment_for_reference(
    *, purpose: str, reference_type: str, reference_id: str
) -> Payment | None:
    """The open or paid payment of a reference, if any (at most one: the
    constraint payments_payment_one_live_per_reference)."""
    return (
        Payment.objects.filter(
            purpose=purpose, reference_type=reference_type, reference_id=reference_id
        )
        .exclude(status__in=Payment.CLOSED_UNPAID)
        .first()
    )
