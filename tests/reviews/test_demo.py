"""The reviews demo: reviews on for some demo providers, published reviews on
completed bookings for them only, two waiting for moderation, the index told
after commit, and a re-run that adds nothing."""

from __future__ import annotations

import pytest
from django.test import TestCase

from accounts import demo as accounts_demo
from bookings import demo as bookings_demo
from bookings.models import Booking
from cms_pages import demo as cms_demo
from directory import demo as directory_demo
from directory.models import EscortProfilePage
from reviews import demo as reviews_demo
from reviews.models import ProfileReviewSettings, Review
from search.indexer import search_index_rebuild
from search.models import ProfileSearchDocument
from tests.shared_data import shared_data

pytestmark = pytest.mark.django_db

PROFILES = 12


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module (tests/shared_data.py)."""
    with shared_data(django_db_blocker):
        lines: list[str] = []
        accounts_demo.seed(log=lines.append)
        cms_demo.seed(log=lines.append)
        directory_demo.seed(log=lines.append, profiles=PROFILES)
        search_index_rebuild()
        bookings_demo.seed(log=lines.append)
        with TestCase.captureOnCommitCallbacks(execute=True):
            reviews_demo.seed(log=lines.append)
        yield lines


def test_reviews_only_on_profiles_that_opted_in(seeded):
    on = set(
        ProfileReviewSettings.objects.filter(reviews_enabled=True).values_list(
            "profile_id", flat=True
        )
    )
    live = set(EscortProfilePage.objects.live().values_list("pk", flat=True))
    assert 2 <= len(on) < len(live)
    sofia = EscortProfilePage.objects.get(owner__email="escort@demo.test")
    assert sofia.pk in on
    reviewed = set(Review.objects.values_list("profile_id", flat=True))
    assert reviewed == on
    published = Review.objects.filter(status=Review.Status.PUBLISHED)
    for profile_id in on:
        assert published.filter(profile_id=profile_id).count() >= 3


def test_reviews_are_varied_have_replies_and_sit_on_completed_bookings(seeded):
    published = Review.objects.filter(status=Review.Status.PUBLISHED).select_related(
        "booking"
    )
    assert len({r.rating for r in published}) >= 3
    assert any(r.reply for r in published)
    assert any(not r.reply for r in published)
    for review in Review.objects.select_related("booking"):
        booking = review.booking
        assert booking.status == Booking.Status.COMPLETED
        assert booking.client_id == review.author_id
        assert booking.profile_id == review.profile_id
        assert booking.end < review.created_at
        assert (review.created_at - booking.end).days <= 30
        if review.reply:
            assert review.replied_at is not None
    pending = Review.objects.filter(status=Review.Status.PENDING)
    assert pending.count() == reviews_demo.PENDING_ON_SOFIA
    assert {r.profile.owner.email for r in pending} == {"escort@demo.test"}


def test_the_index_carries_the_demo_ratings(seeded):
    rated = ProfileSearchDocument.objects.filter(rating_count__gt=0)
    on = ProfileReviewSettings.objects.filter(reviews_enabled=True)
    assert {d.profile_id for d in rated} == {s.profile_id for s in on}


def test_a_rerun_adds_nothing(seeded):
    before = (Review.objects.count(), Booking.objects.count())
    lines: list[str] = []
    reviews_demo.seed(log=lines.append)
    assert (Review.objects.count(), Booking.objects.count()) == before
    assert any("0 new reviews" in line for line in lines), lines
