"""Shared fixtures of the subscriptions tests: the ledger balances after every
test (each transaction sums to zero per currency)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Role, User
from subscriptions.models import Plan
from tests.factories import UserFactory

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)  # a 31-day period follows


@pytest.fixture(autouse=True)
def _ledger_balanced(request: pytest.FixtureRequest) -> None:
    """Every test here ends with a balanced ledger (tests/ledger.py)."""
    request.getfixturevalue("ledger_balanced")


@pytest.fixture
def provider(db) -> User:  # noqa: ANN001
    return UserFactory(role=Role.ESCORT)


@pytest.fixture
def plans(db) -> dict[str, Plan]:  # noqa: ANN001
    """The seeded plans (migration 0002): Free 0, Premium 29.00, Elite 79.00."""
    return {p.slug: p for p in Plan.objects.all()}
