"""Shared review fixtures: a live profile in Berlin whose provider turned reviews
on, a client with a completed booking of it, and builders for bookings and
reviews in any state; for the display tests, a live Lisbon profile with
reviews on (``sofia``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group

from accounts.models import MODERATORS_GROUP, Role, User
from bookings.models import Booking
from directory.models import EscortProfilePage
from reviews.models import ProfileReviewSettings, Review
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile, past_booking
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.factories.reviews import set_reviews


def completed_booking(
    profile: EscortProfilePage,
    client: User,
    *,
    ended: dt.timedelta = dt.timedelta(days=1),
    status: str = Booking.Status.COMPLETED,
) -> Booking:
    """A booking of an hour that ended ``ended`` ago."""
    return past_booking(profile, client, status=status, ended_ago=ended)


def make_review(booking: Booking, **fields: Any) -> Review:
    defaults = {
        "rating": 5,
        "text": "Charming company and a lovely evening at the opera.",
        "status": Review.Status.PUBLISHED,
    }
    return Review.objects.create(
        booking=booking,
        profile=booking.profile,
        author=booking.client,
        **{**defaults, **fields},
    )


def reviews_on(profile: EscortProfilePage, enabled: bool = True) -> None:
    ProfileReviewSettings.objects.update_or_create(
        profile=profile, defaults={"reviews_enabled": enabled}
    )


@pytest.fixture
def city():
    return make_city("Berlin", slug="berlin-reviews")


@pytest.fixture
def provider() -> User:
    return EscortOwnerFactory(display_name="Clara")


@pytest.fixture
def profile(city, provider) -> EscortProfilePage:  # noqa: ANN001
    profile = make_profile("Clara", city=city, owner=provider)
    reviews_on(profile)
    return profile


@pytest.fixture
def author() -> User:
    return UserFactory(role=Role.CLIENT, display_name="max")


@pytest.fixture
def booking(profile, author) -> Booking:  # noqa: ANN001
    return completed_booking(profile, author)


@pytest.fixture
def moderator() -> User:
    user = UserFactory(role=Role.STAFF, is_staff=True, display_name="Mod")
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


# --- Display tests ---


@pytest.fixture
def lisbon():
    return make_city("Lisbon", time_zone="Europe/Lisbon", country="Portugal")


@pytest.fixture
def sofia(lisbon):
    """Reviews on; no review yet."""
    profile = bookable_profile("Sofia", city=lisbon, min_notice_minutes=0)
    set_reviews(profile, enabled=True)
    return profile


@pytest.fixture
def nadia(lisbon):
    """Reviews never turned on (no settings row)."""
    return bookable_profile("Nadia", city=lisbon, min_notice_minutes=0)
