"""Waiting-time figures from known decision times, queue positions and the
estimate (docs/verification.md, "Waiting times")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from verification.models import VerificationAttestation, VerificationRequest
from verification.selectors import queue_figures, verification_state, wait_estimate

pytestmark = pytest.mark.django_db


def _decided(now: dt.datetime, *, waited_hours: float, days_ago: float) -> None:
    decided_at = now - dt.timedelta(days=days_ago)
    VerificationAttestation.objects.create(
        user=UserFactory(),
        request_id=VerificationAttestation.objects.count() + 1000,
        outcome="refused",
        reason="unreadable",
        decided_at=decided_at,
        submitted_at=decided_at - dt.timedelta(hours=waited_hours),
    )


def test_median_and_p95_of_the_last_7_days(provider):
    now = timezone.now()
    for hours in (1, 2, 3, 4, 10):
        _decided(now, waited_hours=hours, days_ago=1)
    _decided(now, waited_hours=500, days_ago=8)  # outside the window
    figures = queue_figures(now=now)
    assert figures.decided == 5
    assert figures.median_wait == dt.timedelta(hours=3)
    # percentile_cont: 4 + 0.8 * (10 - 4) hours
    assert figures.p95_wait == dt.timedelta(hours=8.8)
    assert wait_estimate(position=2, now=now) == dt.timedelta(hours=6)


def test_no_decisions_means_no_figures(provider):
    figures = queue_figures()
    assert (figures.median_wait, figures.p95_wait, figures.decided) == (None, None, 0)
    assert wait_estimate(position=1) is None


def test_queue_position_and_estimate_in_the_state(submit):
    now = timezone.now()
    _decided(now, waited_hours=2, days_ago=0.5)
    first, second = UserFactory(role="escort"), UserFactory(role="escort")
    submit(first)
    submit(second)
    state = verification_state(user=second)
    assert state.status == "pending" and state.queue_position == 2
    assert state.estimate == dt.timedelta(hours=4)
    assert verification_state(user=first).queue_position == 1
    assert queue_figures().pending == VerificationRequest.objects.count() == 2
