"""What audit records for the apps below it, which cannot import audit: their
documented signals (accounts.signals.account_event), connected in AuditConfig."""

from __future__ import annotations

from typing import Any

from django.db import models

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record


def record_account_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    reason: str = "",
    data: dict[str, Any] | None = None,
    **kwargs: Any,
) -> AuditEntry:
    return audit_record(
        actor=actor, action=action, target=target, reason=reason, data=data
    )
