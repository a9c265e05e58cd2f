"""Shared fixtures of the reviews display tests: a live city and a live,
bookable profile with reviews on."""

from __future__ import annotations

import pytest

from tests.factories.bookings import bookable_profile
from tests.factories.pages import make_city
from tests.factories.reviews import set_reviews


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
