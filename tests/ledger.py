"""The ledger balances after every money test: each transaction's entries sum
to zero per currency (the database checks it at commit too; this also covers
tests whose transaction never commits). One fixture for every app that moves
money: payments and subscriptions use it for all their tests, bookings for
its deposit modules (``pytest.mark.usefixtures("ledger_balanced")``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db.models import Sum


@pytest.fixture
def ledger_balanced(request: pytest.FixtureRequest) -> Iterator[None]:
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    # Depend on the database fixture, so this check runs before its rollback.
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    from payments.models import LedgerEntry

    unbalanced = list(
        LedgerEntry.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
    )
    assert unbalanced == []
