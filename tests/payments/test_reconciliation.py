"""Reconciliation against a localstripe of the test's own (the session's one
holds other tests' intents, whose rows rolled back): differences are found,
stored once, and resolved by an admin with a reason (audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from audit.models import AuditEntry
from core.exceptions import ValidationFailed
from core.localstripe import localstripe_start, localstripe_stop
from payments.gateways import get_gateway
from payments.models import Payment, ReconciliationIssue, ReconciliationRun
from payments.services import (
    payment_confirm,
    payment_refund,
    payment_start,
    reconciliation_issue_resolve,
    reconciliation_run,
)
from payments.services.reconciliation import IssueAlreadyResolved
from payments.tasks import reconcile_task
from tests.localstripe import PUBLISHABLE_KEY, SECRET_KEY, LocalStripe

pytestmark = pytest.mark.django_db
NOW = dt.timedelta(0)  # settle: compare objects created this very second too


@pytest.fixture
def fresh_stripe(settings) -> Iterator[LocalStripe]:  # noqa: ANN001
    process, base = localstripe_start()
    settings.STRIPE_API_BASE = base
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    try:
        yield LocalStripe(base=base)
    finally:
        localstripe_stop(process)


def _paid(payer, ref: str, amount: int = 10_000) -> Payment:  # noqa: ANN001
    started = payment_start(
        payer=payer,
        amount_minor=amount,
        currency="EUR",
        purpose=Payment.Purpose.OTHER,
        reference=("tests.thing", ref),
    )
    return payment_confirm(payment=started.payment, payment_method="pm_card_visa")


def test_clean_state_reports_nothing(fresh_stripe, payer, staff):  # noqa: ANN001
    paid = _paid(payer, "1")
    payment_refund(payment=paid, amount_minor=2_500, reason="goodwill", actor=staff)
    _paid(payer, "2", amount=4_000)

    run = reconciliation_run(gateway="stripe", settle=NOW)

    run.refresh_from_db()
    assert (run.payments_seen, run.refunds_seen, run.issues_found, run.error) == (
        2,
        1,
        0,
        "",
    )
    assert run.finished_at is not None
    assert not ReconciliationIssue.objects.exists()


def test_missing_and_changed_rows_are_reported_once_and_resolved(
    fresh_stripe,  # noqa: ANN001
    payer,  # noqa: ANN001
    staff,  # noqa: ANN001
):
    ours = _paid(payer, "1")
    refunded = _paid(payer, "2", amount=6_000)
    payment_refund(payment=refunded, amount_minor=1_000, reason="late", actor=staff)
    # At the gateway without a row of ours (a crash between call and save,
    # or someone using the dashboard).
    stray = get_gateway("stripe").create_payment(
        amount_minor=777, currency="EUR", metadata={}, idempotency_key="stray-1"
    )
    # Our rows changed by hand: a status, an amount, a refunded amount.
    Payment.objects.filter(pk=ours.pk).update(status=Payment.Status.FAILED)
    Payment.objects.filter(pk=refunded.pk).update(amount_refunded_minor=0)

    run = reconciliation_run(gateway="stripe", settle=NOW)

    found = {
        (i.kind, i.gateway_object_id, i.payment_id, i.ours, i.theirs)
        for i in ReconciliationIssue.objects.all()
    }
    assert found == {
        ("missing_locally", stray.id, None, "", "requires_payment_method, 777 EUR"),
        ("status_differs", ours.gateway_payment_id, ours.pk, "failed", "succeeded"),
        (
            "refunded_differs",
            refunded.gateway_payment_id,
            refunded.pk,
            "0",
            "1000",
        ),
    }
    assert run.issues_found == 3

    # The next run finds the same differences: still one open issue each.
    reconciliation_run(gateway="stripe", settle=NOW)
    assert ReconciliationIssue.objects.count() == 3
    assert ReconciliationRun.objects.count() == 2

    issue = ReconciliationIssue.objects.get(kind="missing_locally")
    with pytest.raises(ValidationFailed):
        reconciliation_issue_resolve(issue=issue, actor=staff, reason="  ")
    resolved = reconciliation_issue_resolve(
        issue=issue, actor=staff, reason="Test intent from the dashboard"
    )
    assert (resolved.resolved_by, resolved.resolution) == (
        staff,
        "Test intent from the dashboard",
    )
    assert resolved.resolved_at is not None
    audit = AuditEntry.objects.get(action="payment.reconciliation_resolved")
    assert (audit.actor_id, audit.target_id, audit.data["gateway_object_id"]) == (
        staff.pk,
        issue.pk,
        stray.id,
    )
    with pytest.raises(IssueAlreadyResolved) as exc:
        reconciliation_issue_resolve(issue=issue, actor=staff, reason="again")
    assert exc.value.status_code == 409

    # Resolved, and still different at the gateway: a later run opens it anew.
    reconciliation_run(gateway="stripe", settle=NOW)
    assert ReconciliationIssue.objects.filter(gateway_object_id=stray.id).count() == 2


def test_young_objects_wait_for_the_next_run(fresh_stripe):  # noqa: ANN001
    get_gateway("stripe").create_payment(
        amount_minor=500, currency="EUR", metadata={}, idempotency_key="young"
    )
    run = reconciliation_run(gateway="stripe")  # default settle: ten minutes
    assert (run.payments_seen, run.issues_found) == (0, 0)


def test_unreachable_gateway_makes_a_run_with_its_error(settings):  # noqa: ANN001
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    run = reconciliation_run(gateway="stripe", settle=NOW)
    assert run.error.startswith("gateway_unreachable")
    assert run.finished_at is not None
    assert not ReconciliationIssue.objects.exists()


def test_the_hourly_task_runs_every_gateway(fresh_stripe, settings):  # noqa: ANN001
    assert settings.CELERY_BEAT_SCHEDULE["payments-reconcile"]["task"] == (
        "payments.tasks.reconcile_task"
    )
    run_ids = reconcile_task()
    runs = ReconciliationRun.objects.filter(pk__in=run_ids)
    assert sorted(runs.values_list("gateway", flat=True)) == ["manual", "stripe"]
    assert all(r.error == "" for r in runs)


def test_a_refund_made_at_the_gateway_only(fresh_stripe, payer):  # noqa: ANN001
    paid = _paid(payer, "1", amount=8_000)
    # Refunded in the gateway's dashboard: no Refund row, no refunded amount.
    at_gateway = get_gateway("stripe").refund(
        payment_id=paid.gateway_payment_id, amount_minor=1_500, idempotency_key="dash"
    )

    reconciliation_run(gateway="stripe", settle=NOW)

    found = {
        (i.kind, i.object_type, i.gateway_object_id, i.payment_id, i.ours, i.theirs)
        for i in ReconciliationIssue.objects.all()
    }
    assert found == {
        ("missing_locally", "refund", at_gateway.id, paid.pk, "", "succeeded, 1500"),
        (
            "refunded_differs",
            "payment",
            paid.gateway_payment_id,
            paid.pk,
            "0",
            "1500",
        ),
    }
