"""The one way to write the audit log. Apps describe their events in their own
``events.py`` (one small typed function per event) and call ``audit_record``."""

from __future__ import annotations

from typing import Any

from django.db import models

from accounts.models import User
from audit.models import AuditEntry


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | type[models.Model],
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry in the caller's transaction: if the audited change rolls
    back, so does its entry. ``actor`` None means the platform itself (a task).
    ``target`` a model class means the table as a whole (an export of it)."""
    whole_table = isinstance(target, type)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_label_of(actor),
        action=action,
        target_type=target._meta.label_lower,
        target_id=None if whole_table else target.pk,
        target_label=(
            str(target._meta.verbose_name_plural) if whole_table else str(target)
        )[:254],
        reason=reason[:2000],
        data=data or {},
    )


def _label_of(actor: User | None) -> str:
    if actor is None or not actor.pk:
        return "platform"
    return actor.email
