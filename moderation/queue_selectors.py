"""Reads for the moderators' admin pages (moderation/admin_views.py): what a
report's inspect page shows around it, the appeals waiting for a decision and
the sanctions in force. The queue's own order lives in
``moderation.selectors.report_queue``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from moderation.models import Appeal, Decision, Report, Sanction

LAST_OUTCOMES = 3


@dataclass(frozen=True)
class History:
    """Earlier reports against the same thing or person: how many, how many
    still open, and the last decisions taken on them (newest first)."""

    count: int = 0
    open_count: int = 0
    outcomes: list[Decision] = field(default_factory=list)


def _history(reports: QuerySet[Report]) -> History:
    counts = list(reports.values_list("status", flat=True))
    outcomes = list(
        Decision.objects.filter(report__in=reports)
        .select_related("report")
        .order_by("-created_at", "-id")[:LAST_OUTCOMES]
    )
    return History(
        count=len(counts),
        open_count=sum(1 for status in counts if status == Report.Status.OPEN),
        outcomes=outcomes,
    )


def report_history(*, report: Report) -> dict[str, History | None]:
    """The other reports against ``report``'s target and against its subject
    user (None when the report names no user)."""
    others = Report.objects.exclude(pk=report.pk)
    same_target = others.filter(
        target_content_type_id=report.target_content_type_id,
        target_id=report.target_id,
    )
    same_subject = (
        _history(others.filter(subject_user_id=report.subject_user_id))
        if report.subject_user_id
        else None
    )
    return {"target": _history(same_target), "subject": same_subject}


def active_sanction_of(*, user_id: int | None) -> Sanction | None:
    if user_id is None:
        return None
    return Sanction.objects.filter(user_id=user_id, lifted_at__isnull=True).first()


def appeals_for_moderators(*, pending: bool = True) -> QuerySet[Appeal]:
    """Pending appeals by due time (the oldest complaint first), or the decided
    ones, latest decision first."""
    appeals = Appeal.objects.select_related(
        "appellant",
        "assigned_to",
        "original_actor",
        "decided_by",
        "statement__decision",
    )
    if pending:
        return appeals.filter(status=Appeal.Status.PENDING).order_by("due_at", "id")
    return appeals.exclude(status=Appeal.Status.PENDING).order_by("-decided_at", "-id")


def sanctions_in_force() -> QuerySet[Sanction]:
    """Active suspensions and bans, the soonest to end first (bans last)."""
    return (
        Sanction.objects.filter(lifted_at__isnull=True)
        .select_related("user", "decision__actor")
        .order_by("ends_at", "starts_at", "id")
    )
