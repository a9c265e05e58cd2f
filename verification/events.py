"""Audit events of verification (docs/architecture.md, invariant 9): one small
function per event. Entries name outcomes and reason codes, never a date of
birth or anything read from a document."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from verification.models import VerificationRequest, VerificationRerequest


def verification_submitted_event(*, request: VerificationRequest) -> AuditEntry:
    return audit_record(
        actor=request.user, action="verification.submitted", target=request
    )


def verification_file_viewed_event(
    *, request: VerificationRequest, actor: User, which: str
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="verification.file_viewed",
        target=request,
        data={"user_id": request.user_id, "file": which},
    )


def verification_approved_event(
    *, request: VerificationRequest, actor: User
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="verification.approved",
        target=request,
        data={"user_id": request.user_id, "over_18_checked": True},
    )


def verification_refused_event(
    *, request: VerificationRequest, actor: User
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="verification.refused",
        target=request,
        reason=request.note,
        data={"user_id": request.user_id, "reason": request.reason},
    )


def verification_rerequested_event(
    *, rerequest: VerificationRerequest, actor: User
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="verification.rerequested",
        target=rerequest.user,
        reason=rerequest.reason,
        data={"rerequest_id": rerequest.pk},
    )


def photo_verified_event(
    *, user: User, actor: User, image_id: int, file_hash: str
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="badge.photo_verified",
        target=user,
        data={"image_id": image_id, "file_hash": file_hash},
    )
