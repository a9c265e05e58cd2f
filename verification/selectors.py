"""Reads about verification that other apps decide by. ``verification_state`` is
the one home of "where does this person stand" (onboarding, dashboard, API)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import User
from verification.models import VerificationAttestation, VerificationRequest

Status = VerificationRequest.Status


@dataclass(frozen=True)
class VerificationState:
    # "none" (never asked), "pending", "approved", "refused"
    status: str
    request: VerificationRequest | None = None
    # Refusal reason code and the moderator's note, for "refused".
    reason: str = ""
    note: str = ""
    verified_at: dt.datetime | None = None
    # For "pending": 1 = next in line.
    queue_position: int | None = None


def verification_state(*, user: User) -> VerificationState:
    latest = (
        VerificationRequest.objects.filter(user=user).order_by("-created_at").first()
    )
    if latest is None:
        return VerificationState(status="none")
    if latest.status == Status.PENDING:
        return VerificationState(
            status="pending",
            request=latest,
            queue_position=pending_requests()
            .filter(created_at__lte=latest.created_at)
            .count(),
        )
    if latest.status == Status.REFUSED:
        return VerificationState(
            status="refused", request=latest, reason=latest.reason, note=latest.note
        )
    return VerificationState(
        status="approved", request=latest, verified_at=latest.decided_at
    )


def pending_requests() -> QuerySet[VerificationRequest]:
    """The moderators' queue, oldest first."""
    return VerificationRequest.objects.pending().select_related("user")


def attestations_of(*, user: User) -> QuerySet[VerificationAttestation]:
    return VerificationAttestation.objects.filter(user=user)
