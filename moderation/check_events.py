"""Audit entries of the automated checks' lists (audit.services.audit_record):
a moderator adding, changing or deleting a term (docs/architecture.md,
invariant 9)."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from moderation.automated_models import TextRule


def _rule_data(rule: TextRule) -> dict:
    return {"kind": rule.kind, "term": rule.term, "is_active": rule.is_active}


def text_rule_added_event(*, rule: TextRule, actor: User) -> AuditEntry:
    return audit_record(
        actor=actor, action="text_rule.added", target=rule, data=_rule_data(rule)
    )


def text_rule_changed_event(*, rule: TextRule, actor: User) -> AuditEntry:
    return audit_record(
        actor=actor, action="text_rule.changed", target=rule, data=_rule_data(rule)
    )


def text_rule_deleted_event(*, rule: TextRule, actor: User) -> AuditEntry:
    return audit_record(
        actor=actor, action="text_rule.deleted", target=rule, data=_rule_data(rule)
    )
