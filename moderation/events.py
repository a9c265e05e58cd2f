"""Audit entries of moderation decisions and appeals (audit.services.
audit_record), one small function per event. Action names:
``moderation.decision.<action>`` (dismiss, remove_content, unpublish_profile,
suspend, ban, lift, confirm, reverse), ``moderation.report.assigned``,
``moderation.appeal.filed``, ``moderation.appeal.assigned``."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from moderation.models import Appeal, Decision, Report


def decision_taken_event(
    *, decision: Decision, data: dict[str, Any] | None = None
) -> AuditEntry:
    reason = decision.reason_code
    if decision.note:
        reason = f"{reason}: {decision.note}"
    return audit_record(
        actor=decision.actor,
        action=f"moderation.decision.{decision.action}",
        target=decision,
        reason=reason,
        data={
            "report_id": decision.report_id,
            "appeal_id": decision.appeal_id,
            "affected_user_id": decision.affected_user_id,
            "target_type": (
                decision.target_content_type.model_class()._meta.label_lower
                if decision.target_content_type_id
                else None
            ),
            "target_id": decision.target_id,
            "automated": decision.automated,
            **(data or {}),
        },
    )


def report_assigned_event(*, report: Report, moderator: User) -> AuditEntry:
    return audit_record(
        actor=moderator, action="moderation.report.assigned", target=report
    )


def appeal_filed_event(*, appeal: Appeal) -> AuditEntry:
    return audit_record(
        actor=appeal.appellant,
        action="moderation.appeal.filed",
        target=appeal,
        data={"statement_id": appeal.statement_id},
    )


def appeal_assigned_event(*, appeal: Appeal, moderator: User) -> AuditEntry:
    return audit_record(
        actor=moderator, action="moderation.appeal.assigned", target=appeal
    )
