"""Provider payouts of released deposits (docs/deposits.md): what the ledger
says each provider is owed (the balance of ``provider_payable:<user id>``),
and "mark paid", which records a payout and posts ``payout_paid``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from accounts.models import User
from audit.services import audit_record
from bookings.models import ProviderPayout
from core.exceptions import Conflict, NotFound, ValidationFailed
from payments import ledger
from payments.models import LedgerEntry, LedgerTransaction
from payments.selectors import account_balance
from payments.services import ledger_post

PREFIX = ledger.provider_payable(0).removesuffix("0")  # "provider_payable:"
# Paid from the balance the gateway holds for us (a bank transfer today).
PAID_FROM = ledger.GATEWAY_CLEARING


@dataclass(frozen=True)
class Owed:
    provider: User
    amount_minor: int
    currency: str


def payouts_owed() -> list[Owed]:
    """Every provider with money owed, by currency, largest first (two queries)."""
    rows = (
        LedgerEntry.objects.filter(account__startswith=PREFIX)
        .values("account", "currency")
        .annotate(total=Sum("amount_minor"))
        .filter(total__lt=0)
    )
    owed = {
        (int(r["account"].removeprefix(PREFIX)), r["currency"]): -r["total"]
        for r in rows
    }
    users = User.objects.in_bulk({user_id for user_id, _ in owed})
    return sorted(
        (
            Owed(provider=users[uid], amount_minor=amount, currency=currency)
            for (uid, currency), amount in owed.items()
            if uid in users
        ),
        key=lambda o: (-o.amount_minor, o.provider.pk),
    )


@transaction.atomic
def payout_mark_paid(
    *, provider_id: int, currency: str, reason: str, actor: User
) -> ProviderPayout:
    """Record that everything owed to the provider in ``currency`` was paid.
    The provider's row lock makes a double click pay once; nothing owed: 409."""
    if not reason.strip():
        raise ValidationFailed(fields={"reason": ["Say how it was paid."]})
    provider = User.objects.select_for_update().filter(pk=provider_id).first()
    if provider is None:
        raise NotFound("Provider not found.")
    account = ledger.provider_payable(provider.pk)
    owed = -account_balance(account=account, currency=currency)
    if owed <= 0:
        raise Conflict("Nothing is owed to this provider.")
    payout = ProviderPayout.objects.create(
        provider=provider,
        amount_minor=owed,
        currency=currency,
        reason=reason.strip()[:500],
        actor=actor,
    )
    ledger_post(
        kind=LedgerTransaction.Kind.PAYOUT_PAID,
        cause=payout,
        entries=[(account, owed), (PAID_FROM, -owed)],
        currency=currency,
    )
    audit_record(
        actor=actor,
        action="payout.mark_paid",
        target=payout,
        reason=payout.reason,
        data={"provider": provider.pk, "amount_minor": owed, "currency": currency},
    )
    return payout
