"""Audit entries for business reports (invariant 9): an export takes business
figures out of the admin, and a subscription sends them to a mailbox, so both
are accountable like the audit log's own export (docs/audit.md)."""

from __future__ import annotations

from accounts.models import User
from analytics.models import ReportSubscription, SavedReport
from analytics.reports import ReportResult
from audit.models import AuditEntry
from audit.services import audit_record


def report_exported_event(
    *, actor: User, result: ReportResult, file_format: str
) -> AuditEntry:
    spec = result.spec
    return audit_record(
        actor=actor,
        action="analytics.report_exported",
        # The table the figures come from, as a whole.
        target=spec.metric.base().model,
        data={
            "metric": spec.metric.key,
            "breakdown": spec.breakdown,
            "start": spec.period.start.isoformat(),
            "end": spec.period.end.isoformat(),
            "format": file_format,
            "rows": len(result.rows),
        },
    )


def report_subscribed_event(
    *, actor: User, subscription: ReportSubscription
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="analytics.report_subscribed",
        target=subscription.report,
        data={"frequency": subscription.frequency, "to": actor.email},
    )


def report_unsubscribed_event(*, actor: User, report: SavedReport) -> AuditEntry:
    return audit_record(
        actor=actor, action="analytics.report_unsubscribed", target=report
    )
