"""The analytics world. For the dashboards: a city, a provider with a live
profile, and two agencies listing three escorts' profiles (figures written as
ProfileDay rows, tests/factories/analytics.py ``seed_days``). For the business
figures: two cities with a profile each and an analyst (builders in
tests/factories/business_figures.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role, User
from directory.models import CityPage, EscortProfilePage
from search.indexer import search_documents_refresh
from tests.factories import UserFactory
from tests.factories.analytics import make_agency
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.factories.search import live_city


@pytest.fixture
def city(db):  # noqa: ANN001, ANN201
    return live_city(
        "Vienna", country="Austria", country_code="AT", time_zone="Europe/Vienna"
    )


@pytest.fixture
def provider(db):  # noqa: ANN001, ANN201
    return EscortOwnerFactory(display_name="Amelie")


@pytest.fixture
def profile(city, provider):  # noqa: ANN001, ANN201
    page = make_profile("Amelie", city=city, owner=provider)
    search_documents_refresh(profile_ids=[page.pk])
    return page


@pytest.fixture
def agency_world(city):  # noqa: ANN001, ANN201
    """Velvet Hours lists Bella and Chloé; Nightingale lists Dora."""
    agency, owner = make_agency("Velvet Hours")
    other, other_owner = make_agency("Nightingale")
    bella = make_profile("Bella", city=city, agency=agency)
    chloe = make_profile("Chloé", city=city, agency=agency, slug="chloe")
    dora = make_profile("Dora", city=city, agency=other)
    search_documents_refresh(profile_ids=[bella.pk, chloe.pk, dora.pk])
    return {
        "agency": agency,
        "owner": owner,
        "other": other,
        "other_owner": other_owner,
        "bella": bella,
        "chloe": chloe,
        "dora": dora,
    }


@pytest.fixture
def cities() -> tuple[CityPage, CityPage]:
    return make_city("Vienna", country="Austria"), make_city("Zurich")


@pytest.fixture
def profiles(cities) -> tuple[EscortProfilePage, EscortProfilePage]:  # noqa: ANN001
    vienna, zurich = cities
    return make_profile("Valerie", city=vienna), make_profile("Zoe", city=zurich)


@pytest.fixture
def analyst(db) -> User:  # noqa: ANN001
    user = UserFactory(email="analyst@example.test", role=Role.STAFF)
    user.groups.add(Group.objects.get(name="Analysts"))
    return user
