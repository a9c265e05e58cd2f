"""The trust score: an explainable breakdown of documented signals, stored
with the score; recomputed when a signal changes; orders the report queue
(within priority and due time, lower trust first); shown to moderators only."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from moderation.automated_models import TrustScore
from moderation.models import Decision, Report
from moderation.services import report_create
from moderation.trust import BASE, order_queue, trust_compute, trust_context, trust_for
from tests.factories.bookings import client_account, past_booking
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.factories.reviews import add_review

pytestmark = pytest.mark.django_db

NOW = timezone.now()
SCORE_READERS = re.compile(r"TrustScore|trust_for|trust_context|_trust_score\.html")


@pytest.fixture
def city():
    return make_city("Ghent", slug="ghent-trust")


@pytest.fixture
def provider() -> User:
    owner = EscortOwnerFactory()
    User.objects.filter(pk=owner.pk).update(
        date_joined=NOW - dt.timedelta(days=95),
        age_verified_at=NOW - dt.timedelta(days=130),
    )
    owner.refresh_from_db()
    return owner


def points(score: TrustScore) -> dict[str, int]:
    return {row["signal"]: row["points"] for row in score.breakdown}


def test_a_providers_breakdown(provider, city):
    profile = make_profile("Lotte", city=city, owner=provider)
    for rating in (5, 5, 4):
        add_review(profile, rating)  # each on its own completed booking
    Decision.objects.create(
        action=Decision.Action.UNPUBLISH_PROFILE,
        reason_code="explicit",
        automated=True,
        affected_user=provider,
    )
    score = trust_compute(user=provider, now=NOW)
    assert points(score) == {
        "account_age": 3,  # 95 days: three months of 30 days
        "identity_verified": 10,
        "verification_age": 2,  # 130 days: two periods of 60
        "completed_bookings": 6,
        "no_shows": 0,
        "upheld_decisions": -15,
        "published_reviews": 3,
        "average_rating": 5,  # (4.67 - 3) x 3
    }
    assert score.score == BASE + 14 == 64
    rows = {row["signal"]: row for row in score.breakdown}
    assert rows["average_rating"]["value"] == 4.67
    assert rows["completed_bookings"]["value"] == 3
    assert TrustScore.objects.get(user=provider).score == 64


def test_a_client_with_no_shows_scores_low_and_caps_hold(city):
    profile = make_profile("Noor", city=city)
    client = client_account()
    past_booking(profile, client)
    for days in range(2, 8):
        past_booking(
            profile,
            client,
            status=Booking.Status.NO_SHOW,
            ended_ago=dt.timedelta(days=days),
        )
    score = trust_compute(user=client, now=NOW)
    assert points(score)["no_shows"] == -32  # six no-shows, capped at four
    assert points(score)["completed_bookings"] == 2
    assert points(score)["identity_verified"] == 0
    assert score.score == BASE + 2 - 32 == 20


def test_a_signal_recomputes_the_score(city, django_capture_on_commit_callbacks):
    profile = make_profile("Mira", city=city)
    client = client_account()
    assert trust_compute(user=client).score == BASE
    with django_capture_on_commit_callbacks(execute=True):
        past_booking(profile, client, status=Booking.Status.NO_SHOW)
    assert TrustScore.objects.get(user=client).score == BASE - 8
    with django_capture_on_commit_callbacks(execute=True):
        Decision.objects.create(
            action=Decision.Action.SUSPEND,
            reason_code="scam",
            automated=True,
            affected_user=client,
        )
    assert TrustScore.objects.get(user=client).score == BASE - 8 - 15


def test_trust_for_recomputes_a_stale_score(provider):
    TrustScore.objects.create(
        user=provider, score=1, breakdown=[], computed_at=NOW - dt.timedelta(days=2)
    )
    assert trust_for(user=provider).score > 1
    assert trust_for(user=None) is None


def test_the_queue_puts_lower_trust_first_within_priority_and_due_time(city):
    due = NOW + dt.timedelta(days=7)
    people = {name: client_account() for name in ("low", "high", "none", "top")}
    TrustScore.objects.create(user=people["low"], score=20, computed_at=NOW)
    TrustScore.objects.create(user=people["high"], score=90, computed_at=NOW)
    reports = {}
    for name, person in people.items():
        report, _ = report_create(
            reporter=None,
            category="underage" if name == "top" else "spam",
            details="",
            target=person,
            evidence={},
            subject_user=person,
            dedupe_key=f"trust-test-{name}",
        )
        reports[name] = report
    Report.objects.exclude(pk=reports["top"].pk).update(due_at=due)
    ordered = [r.subject_user_id for r in order_queue(Report.objects.all())]
    assert ordered == [people[n].pk for n in ("top", "low", "none", "high")]
    annotated = order_queue(Report.objects.filter(pk=reports["none"].pk)).get()
    assert annotated.trust_score == BASE


def test_moderators_see_the_breakdown(provider):
    html = render_to_string(
        "moderation/admin/_trust_score.html", trust_context(user=provider)
    )
    score = TrustScore.objects.get(user=provider)
    assert f'data-trust-score="{score.score}"' in html
    assert 'data-signal="identity_verified"' in html
    assert "Identity verified" in html and "+10" in html


def test_never_public(client, api_client, provider, city):
    """Only moderation's own modules and its admin template read the score, and
    privacy's data inventory names it (retention, later export and erasure):
    no public template, serializer or API does."""
    readers = set()
    skip = {".venv", "var", "tests", "node_modules", "static", ".git", "docs"}
    root = Path(settings.BASE_DIR)
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in skip]
        for name in files:
            if not name.endswith((".py", ".html")):
                continue
            path = Path(folder) / name
            text = path.read_text(errors="ignore")
            if SCORE_READERS.search(text):
                readers.add(str(path.relative_to(root)))
    assert readers and all(
        r.startswith(("moderation/", "templates/moderation/admin/", "privacy/"))
        for r in readers
    ), readers
    # And a profile whose owner has a score shows none of it.
    profile = make_profile("Vera", city=city, owner=provider)
    trust_compute(user=provider)
    page = client.get(profile.url).content.decode()
    api = api_client.get(f"/api/v1/escorts/{profile.pk}")
    assert api.status_code == 200 and page
    for body in (page, api.content.decode()):
        assert "data-trust-score" not in body and "trust_score" not in body
        assert "Trust score" not in body
