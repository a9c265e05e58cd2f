"""Shared fixtures of the payments tests. Every test ends with the ledger
balanced: each transaction's entries sum to zero per currency."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accounts.models import Role, User
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _ledger_balanced(request: pytest.FixtureRequest) -> None:
    """Every test here ends with a balanced ledger (tests/ledger.py)."""
    request.getfixturevalue("ledger_balanced")


@pytest.fixture
def payer(db) -> User:  # noqa: ANN001
    return UserFactory(role=Role.CLIENT)


@pytest.fixture
def staff(db) -> User:  # noqa: ANN001
    return UserFactory(role=Role.CLIENT, is_staff=True)


@pytest.fixture
def received() -> Iterator[list[dict]]:
    """Every payments signal sent during the test, in order."""
    from payments.signals import payment_failed, payment_refunded, payment_succeeded

    log: list[dict] = []
    receivers = {}
    for name, signal in (
        ("succeeded", payment_succeeded),
        ("failed", payment_failed),
        ("refunded", payment_refunded),
    ):

        def receiver(sender, name=name, **kwargs) -> None:  # noqa: ANN001
            log.append({**kwargs, "signal": name})

        receivers[name] = receiver
        signal.connect(receiver, weak=False)
    yield log
    for name, signal in (
        ("succeeded", payment_succeeded),
        ("failed", payment_failed),
        ("refunded", payment_refunded),
    ):
        signal.disconnect(receivers[name])
