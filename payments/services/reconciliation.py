"""Reconciliation (docs/payments.md): compare a gateway's recent payments and
refunds with our Payment and Refund rows, and keep the differences as
ReconciliationIssue rows an admin resolves. Read-only towards the gateway and
towards payments: a run never changes a payment, it reports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError, Conflict, ValidationFailed
from payments import events
from payments.gateways import get_gateway
from payments.gateways.base import GatewayListing, GatewayPayment, GatewayRefund
from payments.models import (
    Payment,
    ReconciliationIssue,
    ReconciliationRun,
    Refund,
)

RECONCILE_DAYS = 3  # the beat task looks back this far, hourly
# Objects younger than this are left for the next run: a payment being
# started, or an event on its way, is not a difference yet.
SETTLE = dt.timedelta(minutes=10)
IK = ReconciliationIssue.Kind
OT = ReconciliationIssue.ObjectType


class IssueAlreadyResolved(Conflict):
    code = "issue_already_resolved"
    default_message = "This difference has been resolved already."


@dataclass(frozen=True)
class Difference:
    kind: str
    object_type: str
    gateway_object_id: str
    ours: str
    theirs: str
    payment_id: int | None = None


def reconciliation_run(
    *,
    gateway: str,
    days: int = RECONCILE_DAYS,
    settle: dt.timedelta = SETTLE,
) -> ReconciliationRun:
    """List the gateway's payments and refunds of the last ``days`` days,
    compare them with ours and store each new difference once. A gateway
    that cannot be reached makes a run with its error, not an exception."""
    now = timezone.now()
    since = now - dt.timedelta(days=days)
    run = ReconciliationRun.objects.create(gateway=gateway, since=since)
    adapter = get_gateway(gateway)
    lister = getattr(adapter, "list_payments", None)  # optional in the Protocol
    try:
        listing = lister(since=since) if lister is not None else GatewayListing()
    except ApplicationError as exc:
        run.error = f"{exc.code}: {exc.message}"[:500]
        run.finished_at = timezone.now()
        run.save(update_fields=["error", "finished_at"])
        return run
    cutoff = int((now - settle).timestamp())
    settled = GatewayListing(
        payments=tuple(p for p in listing.payments if _settled(p.created, cutoff)),
        refunds=tuple(r for r in listing.refunds if _settled(r.created, cutoff)),
    )
    differences = list(_differences(gateway=gateway, listing=settled))
    with transaction.atomic():
        # An open issue for the same object and kind stays the one record
        # (partial unique constraint): ON CONFLICT DO NOTHING.
        ReconciliationIssue.objects.bulk_create(
            [
                ReconciliationIssue(
                    run=run,
                    gateway=gateway,
                    kind=d.kind,
                    object_type=d.object_type,
                    gateway_object_id=d.gateway_object_id,
                    payment_id=d.payment_id,
                    ours=d.ours[:255],
                    theirs=d.theirs[:255],
                )
                for d in differences
            ],
            ignore_conflicts=True,
        )
        run.payments_seen = len(settled.payments)
        run.refunds_seen = len(settled.refunds)
        run.issues_found = len(differences)
        run.finished_at = timezone.now()
        run.save(
            update_fields=[
                "payments_seen",
                "refunds_seen",
                "issues_found",
                "finished_at",
            ]
        )
    return run


def reconciliation_run_all(*, days: int = RECONCILE_DAYS) -> list[ReconciliationRun]:
    return [
        reconciliation_run(gateway=name, days=days)
        for name in settings.PAYMENT_GATEWAYS
    ]


def reconciliation_issue_resolve(
    *, issue: ReconciliationIssue, actor: User, reason: str
) -> ReconciliationIssue:
    """An admin marks a difference resolved, saying how (required; audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            fields={"reason": ["Say how the difference was resolved."]}
        )
    with transaction.atomic():
        locked = ReconciliationIssue.objects.select_for_update().get(pk=issue.pk)
        if locked.resolved_at is not None:
            raise IssueAlreadyResolved()
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.resolution = reason[:500]
        locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        events.reconciliation_issue_resolved_event(issue=locked, actor=actor)
    return locked


# --- comparing ------------------------------------------------------------------


def _settled(created: int | None, cutoff: int) -> bool:
    return created is None or created <= cutoff


def _our_status(payment: Payment) -> str:
    # A refund leaves the gateway's payment "succeeded"; the refunded amount
    # is compared on its own.
    if payment.status in Payment.PAID_STATUSES:
        return Payment.Status.SUCCEEDED
    return payment.status


def _differences(*, gateway: str, listing: GatewayListing) -> Iterator[Difference]:
    theirs_by_id = {p.id: p for p in listing.payments}
    ours_by_id = {
        p.gateway_payment_id: p
        for p in Payment.objects.filter(
            gateway=gateway, gateway_payment_id__in=list(theirs_by_id)
        )
    }
    refunded_at_gateway: dict[str, int] = defaultdict(int)
    for refund in listing.refunds:
        if refund.status == Refund.Status.SUCCEEDED and refund.payment_id:
            refunded_at_gateway[refund.payment_id] += refund.amount_minor
    for theirs in listing.payments:
        ours = ours_by_id.get(theirs.id)
        yield from _payment_differences(
            theirs=theirs, ours=ours, refunded=refunded_at_gateway.get(theirs.id, 0)
        )
    refunds_by_id = {
        r.gateway_refund_id: r
        for r in Refund.objects.filter(
            payment__gateway=gateway,
            gateway_refund_id__in=[r.id for r in listing.refunds],
        )
    }
    payment_ids = {
        p.gateway_payment_id: p.pk
        for p in Payment.objects.filter(
            gateway=gateway,
            gateway_payment_id__in=[r.payment_id for r in listing.refunds],
        )
    }
    for theirs in listing.refunds:
        yield from _refund_differences(
            theirs=theirs,
            ours=refunds_by_id.get(theirs.id),
            payment_id=payment_ids.get(theirs.payment_id),
        )


def _payment_differences(
    *, theirs: GatewayPayment, ours: Payment | None, refunded: int
) -> Iterator[Difference]:
    def diff(kind: str, mine: str, their: str) -> Difference:
        return Difference(
            kind=kind,
            object_type=OT.PAYMENT,
            gateway_object_id=theirs.id,
            ours=mine,
            theirs=their,
            payment_id=ours.pk if ours is not None else None,
        )

    their_amount = f"{theirs.amount_minor} {theirs.currency}"
    if ours is None:
        yield diff(IK.MISSING_LOCALLY, "", f"{theirs.status}, {their_amount}")
        return
    if _our_status(ours) != theirs.status:
        yield diff(IK.STATUS_DIFFERS, ours.status, theirs.status)
    our_amount = f"{ours.amount_minor} {ours.currency}"
    if our_amount != their_amount:
        yield diff(IK.AMOUNT_DIFFERS, our_amount, their_amount)
    if theirs.status == Payment.Status.SUCCEEDED:
        their_refunded = (
            theirs.amount_refunded_minor
            if theirs.amount_refunded_minor is not None
            else refunded
        )
        if their_refunded != ours.amount_refunded_minor:
            yield diff(
                IK.REFUNDED_DIFFERS,
                str(ours.amount_refunded_minor),
                str(their_refunded),
            )


def _refund_differences(
    *, theirs: GatewayRefund, ours: Refund | None, payment_id: int | None
) -> Iterator[Difference]:
    def diff(kind: str, mine: str, their: str) -> Difference:
        return Difference(
            kind=kind,
            object_type=OT.REFUND,
            gateway_object_id=theirs.id,
            ours=mine,
            theirs=their,
            payment_id=payment_id,
        )

    if ours is None:
        yield diff(IK.MISSING_LOCALLY, "", f"{theirs.status}, {theirs.amount_minor}")
        return
    if ours.status != theirs.status:
        yield diff(IK.STATUS_DIFFERS, ours.status, theirs.status)
    if ours.amount_minor != theirs.amount_minor:
        yield diff(IK.AMOUNT_DIFFERS, str(ours.amount_minor), str(theirs.amount_minor))
