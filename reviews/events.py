"""Audit entries of reviews (audit.services.audit_record), one small function
per event: every moderator decision, and the provider's on/off switch."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from directory.models import EscortProfilePage
from reviews.models import Review


def _moderated(
    *, review: Review, actor: User, action: str, reason: str, before: str
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action=action,
        target=review,
        reason=reason,
        data={"profile_id": review.profile_id, "from_status": before},
    )


def review_published_event(
    *, review: Review, actor: User, reason: str, before: str
) -> AuditEntry:
    return _moderated(
        review=review,
        actor=actor,
        action="review.published",
        reason=reason,
        before=before,
    )


def review_rejected_event(
    *, review: Review, actor: User, reason: str, before: str
) -> AuditEntry:
    return _moderated(
        review=review,
        actor=actor,
        action="review.rejected",
        reason=reason,
        before=before,
    )


def review_hidden_event(
    *, review: Review, actor: User, reason: str, before: str
) -> AuditEntry:
    return _moderated(
        review=review, actor=actor, action="review.hidden", reason=reason, before=before
    )


def review_settings_changed_event(
    *, profile: EscortProfilePage, actor: User, enabled: bool
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="review.settings_changed",
        target=profile,
        data={"reviews_enabled": enabled},
    )
