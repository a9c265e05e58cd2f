"""Reads of moderation, for moderators (the Wagtail admin)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from core import crypto
from moderation.events import report_evidence_opened_event
from moderation.models import Report, Statement


def report_queue() -> QuerySet[Report]:
    """Top priority first (a possible minor, trafficking), then the oldest."""
    return Report.objects.select_related("reporter", "target_content_type").order_by(
        "priority", "created_at", "id"
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
    return Statement.objects.filter(user=user).select_related("decision")
