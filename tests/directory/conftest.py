"""Shared fixtures of the directory tests: a live city, its provider and their
live profile (published through a revision, as approval does), a moderator."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile


@pytest.fixture
def city():
    city = make_city("Vienna", live=False, time_zone="Europe/Vienna", country="Austria")
    city.save_revision().publish()
    return city


@pytest.fixture
def owner():
    return EscortOwnerFactory()


@pytest.fixture
def profile(city, owner):
    profile = make_profile(
        "Clara", city=city, owner=owner, live=False, tagline="Original tagline"
    )
    profile.get_latest_revision().publish()
    profile.refresh_from_db()
    return profile


@pytest.fixture
def moderator():
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user
