"""The database keeps the ledger honest: no unbalanced transaction commits,
no entry or transaction changes or disappears."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from payments.models import LedgerEntry, LedgerTransaction, Payment
from payments.selectors import account_balance
from payments.services import ledger_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(payer) -> LedgerTransaction:  # noqa: ANN001
    payment = Payment.objects.create(
        payer=payer,
        purpose="other",
        reference_type="x.y",
        reference_id="1",
        amount_minor=500,
        currency="EUR",
        gateway="manual",
    )
    return ledger_post(
        kind="other_charge",
        cause=payment,
        entries=[("cash", 500), ("platform_revenue", -500)],
        currency="EUR",
    )


def _check_deferred_constraints_now() -> None:
    # Tests run inside one transaction that never commits: ask PostgreSQL to
    # run the deferred balance check now, as COMMIT would.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS payments_ledgerentry_balanced IMMEDIATE")


def test_a_balanced_transaction_commits(posted):
    with transaction.atomic():
        _check_deferred_constraints_now()
    assert account_balance(account="cash", currency="EUR") == 500


def test_the_database_refuses_an_unbalanced_transaction(posted):
    with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
        txn = LedgerTransaction.objects.create(
            kind="refund", cause_type="x", cause_id="2"
        )
        LedgerEntry.objects.create(
            transaction=txn, account="cash", amount_minor=100, currency="EUR"
        )
        LedgerEntry.objects.create(
            transaction=txn, account="client_refunds", amount_minor=-99, currency="EUR"
        )
        _check_deferred_constraints_now()
    # Balanced in one currency but not in another is unbalanced too.
    with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
        txn = LedgerTransaction.objects.create(
            kind="refund", cause_type="x", cause_id="3"
        )
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    transaction=txn, account="cash", amount_minor=100, currency="EUR"
                ),
                LedgerEntry(
                    transaction=txn, account="cash", amount_minor=-100, currency="GBP"
                ),
            ]
        )
        _check_deferred_constraints_now()


def test_the_database_refuses_changes_and_deletions(posted):
    entry = posted.entries.first()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_minor=1)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerTransaction.objects.filter(pk=posted.pk).update(kind="refund")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerTransaction.objects.filter(pk=posted.pk).delete()
    assert account_balance(account="cash", currency="EUR") == 500


def test_ledger_post_refuses_unbalanced_entries_and_a_second_post(posted):
    payment = Payment.objects.get()
    for entries in (
        [("cash", 5)],
        [("cash", 5), ("platform_revenue", -4)],
        [("a", 0), ("b", 0)],
    ):
        with pytest.raises(ValueError, match="unbalanced"):
            ledger_post(kind="refund", cause=payment, entries=entries, currency="EUR")
    with pytest.raises(IntegrityError), transaction.atomic():
        ledger_post(
            kind="other_charge",
            cause=payment,
            entries=[("cash", 500), ("platform_revenue", -500)],
            currency="EUR",
        )
    assert LedgerTransaction.objects.count() == 1
