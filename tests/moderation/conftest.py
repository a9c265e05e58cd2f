"""Shared by the reporting tests: a shown profile with a photo and published
reviews, a draft, a client who wrote to the profile, and a stranger."""

from __future__ import annotations

import pytest

from accounts.models import Role, User
from directory.models import EscortProfilePage, ProfilePhoto
from messaging.models import Thread
from messaging.services import thread_start
from reviews.models import Review
from tests.factories import UserFactory
from tests.factories.pages import (
    EscortOwnerFactory,
    add_photo,
    make_city,
    make_profile,
)
from tests.factories.reviews import add_review, set_reviews


@pytest.fixture
def owner() -> User:
    return EscortOwnerFactory(display_name="Clara", email="clara@example.test")


@pytest.fixture
def shown(owner) -> EscortProfilePage:
    city = make_city("Lisbon", slug="lisbon-rep")
    return make_profile("Clara", city=city, owner=owner)


@pytest.fixture
def draft() -> EscortProfilePage:
    return make_profile("Hidden", city=make_city("Porto", slug="porto-rep"), live=False)


@pytest.fixture
def photo(shown) -> ProfilePhoto:
    return add_photo(shown, caption="On the terrace")


@pytest.fixture
def review(shown) -> Review:
    set_reviews(shown, enabled=True)
    return add_review(shown, 4, text="Lovely evening, very punctual.")


@pytest.fixture
def reporter() -> User:
    return UserFactory(role=Role.CLIENT, display_name="Max", email="max@example.test")


@pytest.fixture
def stranger() -> User:
    return UserFactory(role=Role.CLIENT, display_name="Olga")


@pytest.fixture
def thread(shown, reporter) -> Thread:
    thread, _ = thread_start(client=reporter, profile_id=shown.pk, body="Hello")
    return thread
