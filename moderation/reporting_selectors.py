"""Reads for reporters (docs/reporting.md): one's own reports with their
status and outcome, told without details of the other party."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from moderation.models import ADVERSE_ACTIONS, Decision, DecisionAction, Report
from moderation.reporting import KIND_OF_MODEL

# What a reporter is told: that something was done, never what to whom.
OUTCOME_ACTION_TAKEN = _("We found a breach of our terms and took action.")
OUTCOME_NO_ACTION = _("We looked into it and found no breach of our terms.")
OUTCOME_CLOSED = _("We looked into it and closed your report.")
OUTCOME_OPEN = _("Our moderators have not decided yet.")


def reports_of(*, user: User) -> QuerySet[Report]:
    """The reports ``user`` filed, newest first, each with its decisions (for
    the outcome) in one more query whatever their number."""
    if not user.is_authenticated:
        return Report.objects.none()
    return (
        Report.objects.filter(reporter=user)
        .select_related("target_content_type")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.only(
                    "pk", "report_id", "action", "created_at"
                )
                .exclude(action__in=(DecisionAction.CONFIRM, DecisionAction.LIFT))
                .order_by("-created_at", "-id"),
            )
        )
        .order_by("-created_at", "-id")
    )


def report_target_kind(report: Report) -> str:
    return KIND_OF_MODEL.get(report.target_content_type.model, "other")


def report_outcome(report: Report) -> str:
    """Open: not decided yet. Closed: whether action was taken, going by the
    latest decision on it (a reversal on appeal counts as no action); closed
    along with other reports on the same target: closed."""
    if report.status == Report.Status.OPEN:
        return str(OUTCOME_OPEN)
    decisions = list(report.decisions.all())
    if not decisions:
        return str(OUTCOME_CLOSED)
    if decisions[0].action in ADVERSE_ACTIONS:
        return str(OUTCOME_ACTION_TAKEN)
    return str(OUTCOME_NO_ACTION)
