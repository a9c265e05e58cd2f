"""The trust score (docs/trust-score.md): a number from 0 to 100 per user,
built from signals the platform holds, each with its points, so a moderator
sees why a score is what it is. Moderators only: it orders their queue and
shows on a report's page; no public page, API or notification carries it.

Signals and weights (``WEIGHTS``; the doc explains each):

    start                        50
    account age                  +1 per 30 days, at most +10
    identity verified            +10, and +1 per 60 days since, at most +5
    completed bookings           +2 each, at most +16 (either side)
    no-shows (as the client)     -8 each, at most -32
    upheld decisions against     -15 each, at most -45 (reversed on appeal: none)
    published reviews            +1 each, at most +5 (about them or by them)
    average rating (3+ reviews)  (average - 3) x 3, from -6 to +6

``trust_compute`` stores the score with its breakdown; it runs when a signal
changes (moderation.automated_signals → moderation.trust_tasks) and whenever a
moderator asks for a score older than ``STALE_AFTER`` (``trust_for``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import (
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail import hooks

from accounts.models import User
from bookings.models import Booking
from moderation.automated_models import TrustScore
from moderation.models import ADVERSE_ACTIONS, AppealStatus, Decision
from verification.models import VerificationAttestation

BASE = 50
STALE_AFTER = dt.timedelta(days=1)
# Reviews sit above moderation's reach (reviews imports moderation): reviews
# answers this hook with {"count": int, "rated": int, "average": float | None}
# for a user (reviews/trust_hooks.py). Without it the review signals count zero.
REVIEW_SIGNALS_HOOK = "trust_review_signals"


@dataclass(frozen=True)
class Weight:
    label: str
    per: float  # points per unit
    cap: float  # the most (or, negative, the least) the signal can add


WEIGHTS: dict[str, Weight] = {
    "account_age": Weight("Account age (months of 30 days)", 1, 10),
    "identity_verified": Weight("Identity verified", 10, 10),
    "verification_age": Weight("Verified for (periods of 60 days)", 1, 5),
    "completed_bookings": Weight("Completed bookings", 2, 16),
    "no_shows": Weight("No-shows as a client", -8, -32),
    "upheld_decisions": Weight("Decisions upheld against them", -15, -45),
    "published_reviews": Weight("Published reviews", 1, 5),
    "average_rating": Weight("Average rating above or below 3 (3+ reviews)", 3, 6),
}
MIN_REVIEWS_FOR_RATING = 3


@dataclass(frozen=True)
class TrustSignal:
    key: str
    label: str
    value: Any  # what was counted or measured, for the moderator
    points: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "signal": self.key,
            "label": self.label,
            "value": self.value,
            "points": self.points,
        }


def _points(key: str, units: float) -> int:
    weight = WEIGHTS[key]
    raw = units * weight.per
    if weight.cap >= 0:
        raw = max(-weight.cap, min(weight.cap, raw))
    else:
        raw = max(weight.cap, min(0, raw))
    return round(raw)


def _signal(key: str, value: Any, units: float) -> TrustSignal:
    return TrustSignal(key, WEIGHTS[key].label, value, _points(key, units))


def review_signals(*, user: User) -> dict[str, Any]:
    result: dict[str, Any] = {"count": 0, "rated": 0, "average": None}
    for hook in hooks.get_hooks(REVIEW_SIGNALS_HOOK):
        result = hook(user=user) or result
    return result


def trust_signals(*, user: User, now: dt.datetime | None = None) -> list[TrustSignal]:
    """Every signal of ``user`` with its points (a few small queries)."""
    now = now or timezone.now()
    age_days = max(0, (now - user.date_joined).days)
    signals = [_signal("account_age", age_days, age_days // 30)]
    verified_at = (
        VerificationAttestation.objects.filter(
            user=user, outcome=VerificationAttestation.Outcome.APPROVED
        )
        .order_by("decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    if user.is_age_verified:
        since = verified_at or user.age_verified_at or now
        signals.append(_signal("identity_verified", True, 1))
        verified_days = max(0, (now - since).days)
        signals.append(_signal("verification_age", verified_days, verified_days // 60))
    else:
        signals.append(_signal("identity_verified", False, 0))
    bookings = Booking.objects.filter(Q(client=user) | Q(profile__owner=user))
    completed = bookings.filter(status=Booking.Status.COMPLETED).count()
    signals.append(_signal("completed_bookings", completed, completed))
    no_shows = Booking.objects.filter(
        client=user, status=Booking.Status.NO_SHOW
    ).count()
    signals.append(_signal("no_shows", no_shows, no_shows))
    upheld = (
        Decision.objects.filter(affected_user=user, action__in=ADVERSE_ACTIONS)
        .exclude(statement__appeal__status=AppealStatus.REVERSED)
        .count()
    )
    signals.append(_signal("upheld_decisions", upheld, upheld))
    reviews = review_signals(user=user)
    count = int(reviews.get("count") or 0)
    signals.append(_signal("published_reviews", count, count))
    average = reviews.get("average")
    rated = int(reviews.get("rated") or 0)
    if average is not None and rated >= MIN_REVIEWS_FOR_RATING:
        signals.append(
            _signal("average_rating", round(float(average), 2), float(average) - 3)
        )
    return signals


def score_of(signals: list[TrustSignal]) -> int:
    return max(0, min(100, BASE + sum(signal.points for signal in signals)))


@transaction.atomic
def trust_compute(*, user: User, now: dt.datetime | None = None) -> TrustScore:
    """Compute and store ``user``'s score with its breakdown (idempotent)."""
    now = now or timezone.now()
    signals = trust_signals(user=user, now=now)
    score, _ = TrustScore.objects.update_or_create(
        user=user,
        defaults={
            "score": score_of(signals),
            "breakdown": [signal.as_dict() for signal in signals],
            "computed_at": now,
        },
    )
    return score


def trust_for(*, user: User | None) -> TrustScore | None:
    """The score a moderator sees: the stored one, recomputed first when it is
    missing or older than STALE_AFTER. None without a user (an erased one)."""
    if user is None:
        return None
    score = TrustScore.objects.filter(user=user).first()
    if score is None or score.computed_at < timezone.now() - STALE_AFTER:
        score = trust_compute(user=user)
    return score


def trust_context(*, user: User | None) -> dict[str, Any]:
    """What ``moderation/admin/_trust_score.html`` needs."""
    score = trust_for(user=user)
    return {"trust": score, "trust_base": BASE}


def with_trust(queryset: QuerySet, *, user_field: str = "subject_user") -> QuerySet:
    """Annotate ``trust_score``: the stored score of ``user_field``, BASE when
    there is none yet."""
    stored = TrustScore.objects.filter(user=OuterRef(user_field)).values("score")[:1]
    return queryset.annotate(
        trust_score=Coalesce(
            Subquery(stored, output_field=IntegerField()),
            Value(BASE),
            output_field=IntegerField(),
        )
    )


def order_queue(queryset: QuerySet, *, user_field: str = "subject_user") -> QuerySet:
    """The moderators' order: priority, then due time, then lower trust first."""
    return with_trust(queryset, user_field=user_field).order_by(
        "priority", "due_at", "trust_score", "id"
    )
