"""Audit entries of moderation (audit.services.audit_record), one small
function per event."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from moderation.models import Report


def report_evidence_opened_event(*, report: Report, viewer: User | None) -> AuditEntry:
    """Who read a report's decrypted evidence, and when (never what it says)."""
    return audit_record(
        actor=viewer,
        action="moderation.report.evidence_opened",
        target=report,
        data={"subject_user_id": report.subject_user_id},
    )
