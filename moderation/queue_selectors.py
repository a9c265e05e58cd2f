"""Reads for the moderators' admin pages (moderation/admin_views.py) that the
decision selectors (moderation.decision_selectors) do not answer: what a
report's inspect page shows around it. The queue's own order lives in
``moderation.selectors.report_queue``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from moderation.decision_selectors import reports_about_user, reports_on_same_target
from moderation.models import Decision, Report

LAST_OUTCOMES = 3


@dataclass(frozen=True)
class History:
    """Other reports against the same thing or person: how many, how many
    still open, and the last decisions taken on them (newest first)."""

    count: int = 0
    open_count: int = 0
    outcomes: list[Decision] = field(default_factory=list)


def _history(reports: QuerySet[Report]) -> History:
    statuses = list(reports.order_by().values_list("status", flat=True))
    outcomes = list(
        Decision.objects.filter(report__in=reports.order_by().values("pk")).order_by(
            "-created_at", "-id"
        )[:LAST_OUTCOMES]
    )
    return History(
        count=len(statuses),
        open_count=sum(1 for status in statuses if status == Report.Status.OPEN),
        outcomes=outcomes,
    )


def report_history(*, report: Report) -> dict[str, History | None]:
    """The other reports against ``report``'s target and against its subject
    user (None when the report names no user). Four queries."""
    subject = report.subject_user
    return {
        "target": _history(reports_on_same_target(report=report)),
        "subject": (
            _history(reports_about_user(user=subject).exclude(pk=report.pk))
            if subject is not None
            else None
        ),
    }
