"""The analytics dashboards' world: a city, a provider with a live profile, and
two agencies listing three escorts' profiles. Figures are written as ProfileDay
rows directly (tests/factories/analytics.py ``seed_days``)."""

from __future__ import annotations

import pytest

from search.indexer import search_documents_refresh
from tests.factories.analytics import make_agency
from tests.factories.pages import EscortOwnerFactory, make_profile
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
