"""Audit entries of account closures, one small function per event. The
target is the closure row (its label names no address); the completion is the
platform's act (actor None)."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from privacy.models import AccountClosure


def closure_requested_event(*, actor: User, closure: AccountClosure) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="privacy.closure_requested",
        target=closure,
        data={"erase_after": closure.erase_after.isoformat()},
    )


def closure_cancelled_event(*, actor: User, closure: AccountClosure) -> AuditEntry:
    return audit_record(actor=actor, action="privacy.closure_cancelled", target=closure)


def closure_completed_event(*, closure: AccountClosure) -> AuditEntry:
    receipt = closure.receipt
    return audit_record(
        actor=None,
        action="privacy.closure_completed",
        target=closure,
        data={
            "deleted": sum(receipt.get("deleted", {}).values()),
            "kept": sum(entry["count"] for entry in receipt.get("kept", [])),
        },
    )
