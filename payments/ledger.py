"""The ledger's account names (docs/payments.md). Amounts are signed: positive
debits (money we hold or are owed), negative credits (what we owe, what we
earned). Every transaction sums to zero per currency; the database checks it."""

GATEWAY_CLEARING = "gateway_clearing"  # paid by card, not yet paid out by the gateway
CASH = "cash"  # offline payments received (manual gateway)
DEPOSITS_HELD = "deposits_held"  # deposits we hold until the booking settles
PLATFORM_REVENUE = "platform_revenue"
CLIENT_REFUNDS = "client_refunds"  # refunds of revenue (contra revenue)


def provider_payable(user_id: int) -> str:
    """What we owe one provider (released deposits), until a payout."""
    return f"provider_payable:{user_id}"
