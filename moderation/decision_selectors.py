"""Reads for the decision services' callers (the Wagtail admin's queue and
appeal pages, the dashboard): each list is a fixed number of queries, whatever
its length."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from moderation.models import (
    Appeal,
    AppealStatus,
    Decision,
    Report,
    ReportStatus,
    Sanction,
)
from moderation.selectors import report_queue


def report_work_queue(
    *, status: str = ReportStatus.OPEN, assigned_to: User | None = None
) -> QuerySet[Report]:
    """The queue a moderator works through, in the admin queue's one order
    (moderation.selectors.QUEUE_ORDER: top priority, earliest due, lower
    trust first)."""
    qs = report_queue()
    if status:
        qs = qs.filter(status=status)
    if assigned_to is not None:
        qs = qs.filter(assigned_to=assigned_to)
    return qs


def reports_on_same_target(*, report: Report) -> QuerySet[Report]:
    """Earlier and later reports against the same thing, for context."""
    return (
        Report.objects.filter(
            target_content_type_id=report.target_content_type_id,
            target_id=report.target_id,
        )
        .exclude(pk=report.pk)
        .select_related("reporter")
        .order_by("-created_at", "-id")
    )


def reports_about_user(*, user: User) -> QuerySet[Report]:
    return Report.objects.filter(subject_user=user).order_by("-created_at", "-id")


def decisions_list(
    *, affected_user: User | None = None, report: Report | None = None
) -> QuerySet[Decision]:
    qs = Decision.objects.select_related(
        "actor", "affected_user", "report", "appeal", "target_content_type"
    )
    if affected_user is not None:
        qs = qs.filter(affected_user=affected_user)
    if report is not None:
        qs = qs.filter(report=report)
    return qs.order_by("-created_at", "-id")


def sanction_active_for(*, user: User) -> Sanction | None:
    return (
        Sanction.objects.filter(user=user, lifted_at__isnull=True)
        .select_related("decision")
        .first()
    )


def sanctions_list(*, active_only: bool = False) -> QuerySet[Sanction]:
    qs = Sanction.objects.select_related("user", "decision__actor", "lifted_by")
    if active_only:
        qs = qs.filter(lifted_at__isnull=True)
    return qs.order_by("-starts_at", "-id")


def appeal_queue(*, status: str = AppealStatus.PENDING) -> QuerySet[Appeal]:
    """Pending appeals, the earliest due first."""
    qs = Appeal.objects.select_related(
        "appellant",
        "assigned_to",
        "original_actor",
        "decided_by",
        "statement__decision",
    ).order_by("due_at", "id")
    if status:
        qs = qs.filter(status=status)
    return qs


def appeals_decidable_by(*, moderator: User) -> QuerySet[Appeal]:
    """Pending appeals this moderator may take: not their own decisions, not
    their own appeals."""
    return appeal_queue().exclude(original_actor=moderator).exclude(appellant=moderator)


def appeal_of(*, user: User, statement_id: int) -> Appeal | None:
    """The user's own appeal against one of their statements, if any."""
    return Appeal.objects.filter(statement_id=statement_id, appellant=user).first()
