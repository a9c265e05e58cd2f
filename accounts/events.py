"""Audit events of accounts, one small function each. accounts sits below the
audit app, so each event goes out as ``accounts.signals.account_event`` and
audit records it in the same transaction (audit/apps.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from accounts.models import User
from accounts.signals import account_event


def signed_up_event(*, user: User, source: str) -> None:
    _send(
        actor=user,
        action="account.signed_up",
        target=user,
        data={"role": user.role, "source": source},
    )


def role_changed_event(
    *, actor: User | None, user: User, old_role: str, new_role: str, reason: str
) -> None:
    _send(
        actor=actor,
        action="account.role_changed",
        target=user,
        reason=reason,
        data={"from": old_role, "to": new_role},
    )


def _send(
    *,
    actor: User | None,
    action: str,
    target: User,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    answers = account_event.send(
        sender=User, actor=actor, action=action, target=target, reason=reason, data=data
    )
    if not answers:
        raise ImproperlyConfigured(
            "Nothing records accounts.signals.account_event: "
            "is the audit app installed?"
        )
