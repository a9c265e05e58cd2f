"""Audit entries of payments (audit.services.audit_record): money moved by a
person (a refund, an offline payment recorded by an admin)."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from payments.models import Payment, ReconciliationIssue, Refund


def payment_refunded_event(*, refund: Refund, actor: User | None) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="payment.refunded",
        target=refund.payment,
        reason=refund.reason,
        data={
            "refund_id": refund.pk,
            "amount_minor": refund.amount_minor,
            "currency": refund.currency,
        },
    )


def payment_recorded_manually_event(
    *, payment: Payment, actor: User, note: str
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="payment.recorded_manually",
        target=payment,
        reason=note,
        data={"amount_minor": payment.amount_minor, "currency": payment.currency},
    )


def reconciliation_issue_resolved_event(
    *, issue: ReconciliationIssue, actor: User
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="payment.reconciliation_resolved",
        target=issue,
        reason=issue.resolution,
        data={
            "kind": issue.kind,
            "gateway": issue.gateway,
            "gateway_object_id": issue.gateway_object_id,
            "ours": issue.ours,
            "theirs": issue.theirs,
        },
    )
