"""Reads of moderation, for moderators (the Wagtail admin)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from accounts.models import User
from core import crypto
from moderation.events import report_evidence_opened_event
from moderation.models import Report, Statement
from moderation.trust import with_trust

# The queue's order: open reports first; within them top priority (a possible
# minor, trafficking) first; within a priority the earliest due (so the overdue
# lead). ``queue_rank`` is the open-first key report_queue annotates.
# The one order of the moderators' queue: open before closed, top priority (a
# possible minor, trafficking) first, then the earliest due (so the overdue
# lead), then the subject with the lower trust score (moderation.trust), then
# the oldest filed.
QUEUE_ORDER = ("queue_rank", "priority", "due_at", "trust_score", "id")


def report_queue() -> QuerySet[Report]:
    """Every report in the queue's order (QUEUE_ORDER), with what its row shows."""
    return (
        with_trust(Report.objects.all())
        .select_related(
            "reporter", "target_content_type", "subject_user", "assigned_to"
        )
        .annotate(
            queue_rank=Case(
                When(status=Report.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by(*QUEUE_ORDER)
    )


def report_evidence(*, report: Report, viewer: User | None) -> dict[str, Any]:
    """The decrypted snapshot, for ``viewer`` (None: the platform itself, e.g.
    restoring removed content); every opening is audited
    (``moderation.report.evidence_opened``), so there is no unaudited way to
    read it. ``viewer`` has no default on purpose: each caller says who reads.
    A token no configured key opens (a key retired too early) reads as a note,
    not an error: the queue must keep working."""
    report_evidence_opened_event(report=report, viewer=viewer)
    try:
        return json.loads(crypto.decrypt(report.evidence_encrypted))
    except ValueError:
        return {"unreadable": "This evidence can no longer be decrypted."}


def statements_of(*, user: User) -> QuerySet[Statement]:
    """The one home of "whose statement is this": its affected user's only."""
    return Statement.objects.filter(user=user).select_related("decision", "appeal")
