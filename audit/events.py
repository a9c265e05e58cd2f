"""Audit entries about the audit log itself: reading it out is accountable
too (docs/audit.md)."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.selectors import AuditQuery
from audit.services import audit_record


def audit_exported_event(
    *, actor: User, query: AuditQuery, rows: int, truncated: bool
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="audit.exported",
        target=AuditEntry,
        data={"criteria": query.as_data(), "rows": rows, "truncated": truncated},
    )
