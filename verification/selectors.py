"""Reads about verification that other apps decide by. ``verification_state`` is
the one home of "where does this person stand" (onboarding, dashboard, API);
``queue_figures`` the one home of the waiting-time figures (docs/verification.md,
"Waiting times")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    QuerySet,
)
from django.utils import timezone
from wagtail import hooks

from accounts.models import User
from verification.models import (
    VerificationAttestation,
    VerificationRequest,
    VerificationRerequest,
)

Status = VerificationRequest.Status
SLA_WINDOW = dt.timedelta(days=7)
PHOTOS_HOOK = "verification_profile_photos"


@dataclass(frozen=True)
class VerificationState:
    # "none" (never asked), "pending", "approved", "refused"
    status: str
    request: VerificationRequest | None = None
    # Refusal reason code and the moderator's note, for "refused".
    reason: str = ""
    note: str = ""
    verified_at: dt.datetime | None = None
    # For "pending": 1 = next in line, and the estimated wait from now.
    queue_position: int | None = None
    estimate: dt.timedelta | None = None
    # A moderator asked this (verified) person to verify again: why.
    rerequest_reason: str = ""

    @property
    def may_submit(self) -> bool:
        return self.status in ("none", "refused") or bool(self.rerequest_reason)


def verification_state(*, user: User) -> VerificationState:
    latest = (
        VerificationRequest.objects.filter(user=user).order_by("-created_at").first()
    )
    if latest is None:
        return VerificationState(status="none")
    if latest.status == Status.PENDING:
        position = queue_position_of(request=latest)
        return VerificationState(
            status="pending",
            request=latest,
            queue_position=position,
            estimate=wait_estimate(position=position),
        )
    if latest.status == Status.REFUSED:
        return VerificationState(
            status="refused", request=latest, reason=latest.reason, note=latest.note
        )
    rerequest = open_rerequest_of(user=user)
    return VerificationState(
        status="approved",
        request=latest,
        verified_at=latest.decided_at,
        rerequest_reason=rerequest.reason if rerequest else "",
    )


def pending_requests() -> QuerySet[VerificationRequest]:
    """The moderators' queue, oldest first."""
    return (
        VerificationRequest.objects.pending()
        .select_related("user")
        .order_by("created_at", "id")
    )


def queue_position_of(*, request: VerificationRequest) -> int:
    return (
        VerificationRequest.objects.pending()
        .filter(created_at__lte=request.created_at)
        .count()
    )


def attestations_of(*, user: User) -> QuerySet[VerificationAttestation]:
    return VerificationAttestation.objects.filter(user=user).select_related(
        "decided_by"
    )


def requests_of(*, user: User) -> QuerySet[VerificationRequest]:
    return VerificationRequest.objects.filter(user=user).select_related("decided_by")


def open_rerequest_of(*, user: User) -> VerificationRerequest | None:
    return VerificationRerequest.objects.filter(
        user=user, closed_at__isnull=True
    ).first()


def rerequests_of(*, user: User) -> QuerySet[VerificationRerequest]:
    return VerificationRerequest.objects.filter(user=user).select_related(
        "requested_by"
    )


def request_for_moderator(*, request_id: int) -> VerificationRequest | None:
    return (
        VerificationRequest.objects.select_related("user", "decided_by")
        .filter(pk=request_id)
        .first()
    )


# --- Waiting times --------------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``: the
    interpolated f-quantile (0.5 = the median), of intervals too."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, *, fraction: float, **extra: Any) -> None:  # noqa: ANN401
        super().__init__(
            expression, fraction=float(fraction), output_field=DurationField(), **extra
        )


@dataclass(frozen=True)
class QueueFigures:
    pending: int
    decided: int  # decisions in the window
    median_wait: dt.timedelta | None  # submission to decision
    p95_wait: dt.timedelta | None


def queue_figures(*, now: dt.datetime | None = None) -> QueueFigures:
    """Median and 95th percentile of the time from submission to decision, of
    the decisions of the last 7 days, and how many wait now: two queries."""
    now = now or timezone.now()
    wait = ExpressionWrapper(
        F("decided_at") - F("submitted_at"), output_field=DurationField()
    )
    figures = VerificationAttestation.objects.filter(
        decided_at__gt=now - SLA_WINDOW, decided_at__lte=now
    ).aggregate(
        decided=Count("id"),
        median=Percentile(wait, fraction=0.5),
        p95=Percentile(wait, fraction=0.95),
    )
    return QueueFigures(
        pending=VerificationRequest.objects.pending().count(),
        decided=figures["decided"],
        median_wait=figures["median"],
        p95_wait=figures["p95"],
    )


def wait_estimate(
    *, position: int, now: dt.datetime | None = None
) -> dt.timedelta | None:
    """Median wait of the last 7 days times the place in the queue: the first in
    line can expect the typical wait, each one ahead adds one more. None when
    nothing was decided in the window (no basis for a figure)."""
    median = queue_figures(now=now).median_wait
    if median is None:
        return None
    return median * max(position, 1)


# --- Profile photos (from the apps above, through a Wagtail hook) ---------------


def profile_photos_of(*, user: User) -> list[dict[str, Any]]:
    """The photos of ``user``'s profiles that a moderator may verify, gathered
    from every function registered for the ``verification_profile_photos``
    Wagtail hook. Contract: ``fn(*, user) -> list[dict]``, each dict with
    ``image_id`` (int), ``file_hash`` (str, the image's current Wagtail
    ``file_hash``), ``thumbnail_url`` (str, a URL a moderator's browser can
    load) and ``caption`` (str). directory registers it (verification sits
    below the apps that own images and cannot import them)."""
    photos: list[dict[str, Any]] = []
    for hook in hooks.get_hooks(PHOTOS_HOOK):
        photos.extend(hook(user=user))
    return photos
