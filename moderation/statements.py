"""Statements of reasons (DSA Art. 17): every adverse decision gives its
affected user a ``Statement`` — what was decided, on which ground (the Terms of
use clause, copied as it stood), whether it was automated, and how and until
when to appeal — and tells them by a notification that links to it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from moderation.models import ADVERSE_ACTIONS, Decision, DecisionAction, Statement
from moderation.reasons import APPEAL_WINDOW_DAYS
from notifications.models import Kind
from notifications.services import Email, notify

SUMMARIES = {
    DecisionAction.REMOVE_CONTENT: "We removed content you posted.",
    DecisionAction.UNPUBLISH_PROFILE: "We took your profile off the directory.",
    DecisionAction.SUSPEND: "We suspended your account until {until}.",
    DecisionAction.BAN: "We closed your account to further use.",
}


@transaction.atomic
def statement_issue(
    *, decision: Decision, until: dt.datetime | None = None
) -> Statement:
    """The statement for an adverse ``decision`` (one per decision: a repeat
    returns the first). ``until`` is a suspension's end, for the summary."""
    if decision.action not in ADVERSE_ACTIONS or decision.affected_user_id is None:
        raise ValueError("Only an adverse decision about a user has a statement.")
    existing = Statement.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    ground = decision.ground
    summary = SUMMARIES[decision.action].format(
        until=timezone.localtime(until).strftime("%d %B %Y, %H:%M") if until else ""
    )
    statement = Statement.objects.create(
        decision=decision,
        user_id=decision.affected_user_id,
        summary=summary,
        ground_clause=ground.clause,
        ground_title=ground.title,
        ground_text=ground.text,
        automated=decision.automated,
        appeal_until=timezone.now() + dt.timedelta(days=APPEAL_WINDOW_DAYS),
    )
    url = reverse("moderation_statements:detail", args=[statement.pk])
    notify(
        recipient=decision.affected_user,
        kind=Kind.MODERATION,
        title="A moderation decision about your account, with how to appeal",
        url=url,
        email=Email(
            subject="A moderation decision about your account",
            body=(
                f"{summary}\n\nThe reasons, and how to appeal if you disagree, "
                f"are on this page (sign in first): {url}\n"
            ),
        ),
        dedupe_key=f"statement:{statement.pk}",
    )
    return statement
