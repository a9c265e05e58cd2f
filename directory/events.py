"""Audit entries of the directory: one small typed function per event
(audit.services.audit_record)."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from directory.models import EscortProfilePage


def badge_changed_event(
    *,
    actor: User | None,
    profile: EscortProfilePage,
    badge: str,
    value: bool,
    reason: str = "",
) -> AuditEntry:
    """A moderator set or removed a badge ("vip") on a profile; no actor when
    the platform removed it (the owner's plan lost the badge)."""
    return audit_record(
        actor=actor,
        action="profile.badge_changed",
        target=profile,
        reason=reason,
        data={"badge": badge, "value": value},
    )


def profile_paused_event(*, actor: User, profile: EscortProfilePage) -> AuditEntry:
    """The provider took the profile off the public surfaces (directory.pausing):
    recorded so that support and moderators can tell a pause from a removal."""
    return audit_record(actor=actor, action="profile.paused", target=profile)


def profile_resumed_event(*, actor: User, profile: EscortProfilePage) -> AuditEntry:
    """The provider showed a paused profile again."""
    return audit_record(actor=actor, action="profile.resumed", target=profile)
