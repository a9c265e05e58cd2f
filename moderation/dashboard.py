"""The moderators' figures on the Wagtail admin home (docs/moderation-
dashboard.md): open and overdue reports by priority, the most overdue reports,
the median time from a report to its closing, decisions per moderator, and how
often appeals reverse a decision. Five queries, whatever the volume: every
figure is aggregated by PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from core.aggregates import MedianSeconds
from moderation.models import Appeal, Decision, Report

DECISION_DAYS = 30  # median time to decision, decisions per moderator
APPEAL_DAYS = 90  # appeal reversal rate
OVERDUE_SHOWN = 5


@dataclass(frozen=True)
class QueueSize:
    priority: int
    label: str
    open: int
    overdue: int


@dataclass(frozen=True)
class ModeratorDecisions:
    moderator_id: int
    label: str
    decisions: int


@dataclass(frozen=True)
class ModerationDashboard:
    queues: list[QueueSize]  # top priority first
    overdue: list[Report]  # the most overdue open reports, top priority first
    median_to_decision: dt.timedelta | None  # reports closed in DECISION_DAYS
    closed: int
    per_moderator: list[ModeratorDecisions]  # most decisions first
    appeals_decided: int  # in APPEAL_DAYS
    appeals_reversed: int

    @property
    def reversal_percent(self) -> float | None:
        if not self.appeals_decided:
            return None
        return round(100 * self.appeals_reversed / self.appeals_decided, 1)

    @property
    def median_hours(self) -> float | None:
        if self.median_to_decision is None:
            return None
        return round(self.median_to_decision.total_seconds() / 3600, 1)

    @property
    def overdue_total(self) -> int:
        return sum(queue.overdue for queue in self.queues)


def moderation_dashboard(*, now: dt.datetime | None = None) -> ModerationDashboard:
    now = now or timezone.now()
    decisions_since = now - dt.timedelta(days=DECISION_DAYS)
    return ModerationDashboard(
        queues=_queues(now=now),
        overdue=_overdue(now=now),
        **_time_to_decision(since=decisions_since, now=now),
        per_moderator=_per_moderator(since=decisions_since, now=now),
        **_appeals(since=now - dt.timedelta(days=APPEAL_DAYS), now=now),
    )


def _queues(*, now: dt.datetime) -> list[QueueSize]:
    late = Q(due_at__lt=now)
    rows = (
        Report.objects.filter(status=Report.Status.OPEN)
        .order_by()
        .values("priority")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=late))
    )
    found = {row["priority"]: row for row in rows}
    return [
        QueueSize(
            priority=priority.value,
            label=str(priority.label),
            open=found.get(priority.value, {}).get("open", 0),
            overdue=found.get(priority.value, {}).get("overdue", 0),
        )
        for priority in Report.Priority
    ]


def _overdue(*, now: dt.datetime) -> list[Report]:
    return list(
        Report.objects.filter(status=Report.Status.OPEN, due_at__lt=now)
        .select_related("target_content_type")
        .order_by("priority", "due_at", "id")[:OVERDUE_SHOWN]
    )


def _time_to_decision(*, since: dt.datetime, now: dt.datetime) -> dict:
    waited = ExpressionWrapper(
        F("closed_at") - F("created_at"), output_field=DurationField()
    )
    row = Report.objects.filter(closed_at__gte=since, closed_at__lte=now).aggregate(
        median=MedianSeconds(waited), closed=Count("pk")
    )
    median = row["median"]
    if median is not None:
        median = dt.timedelta(seconds=round(median))
    return {"median_to_decision": median, "closed": row["closed"]}


def _per_moderator(*, since: dt.datetime, now: dt.datetime) -> list[ModeratorDecisions]:
    # Decisions a person took; the platform's own (an expired suspension
    # lifted) are nobody's workload.
    rows = (
        Decision.objects.filter(
            created_at__gte=since, created_at__lte=now, actor__isnull=False
        )
        .order_by()
        .values("actor_id", "actor__display_name", "actor__email")
        .annotate(decisions=Count("pk"))
        .order_by("-decisions", "actor__email")
    )
    return [
        ModeratorDecisions(
            moderator_id=row["actor_id"],
            label=row["actor__display_name"] or row["actor__email"],
            decisions=row["decisions"],
        )
        for row in rows
    ]


def _appeals(*, since: dt.datetime, now: dt.datetime) -> dict:
    row = Appeal.objects.filter(
        decided_at__gte=since,
        decided_at__lte=now,
        status__in=[Appeal.Status.CONFIRMED, Appeal.Status.REVERSED],
    ).aggregate(
        decided=Count("pk"),
        reversed=Count("pk", filter=Q(status=Appeal.Status.REVERSED)),
    )
    return {"appeals_decided": row["decided"], "appeals_reversed": row["reversed"]}
