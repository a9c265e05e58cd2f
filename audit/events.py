"""Audit entries about the audit log itself: reading it out is accountable
too (docs/audit.md)."""

from __future__ import annotations

from django.db import models

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


def setting_changed_event(*, setting: models.Model, actor: User) -> AuditEntry:
    """A settings form saved in the admin (feature switches, site settings):
    what it holds now, field by field (foreign keys as ids)."""
    values = {
        field.attname: field.value_from_object(setting)
        for field in setting._meta.concrete_fields
        if not field.primary_key
    }
    return audit_record(
        actor=actor,
        action="setting.changed",
        target=setting,
        data={"setting": setting._meta.label, "values": values},
    )
