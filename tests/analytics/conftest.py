"""The analytics dashboards' world: a city, a provider with a live profile, an
agency listing two escorts' profiles, and ``seed_days`` that writes
ProfileDay rows directly (the flush and the rollup are the events helper's)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from analytics.models import ProfileDay
from directory.models import Agency, AgencyMembership
from search.indexer import search_documents_refresh
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_profile
from tests.factories.search import live_city


def seed_days(profile, *, days: int, end: dt.date | None = None, **values) -> None:  # noqa: ANN001, ANN003
    """One ProfileDay per day for ``days`` days up to ``end`` (today), each
    with ``values``; a callable value gets the day's index (0 = oldest)."""
    end = end or timezone.localdate()
    rows = []
    for n in range(days):
        fields = {k: (v(n) if callable(v) else v) for k, v in values.items()}
        rows.append(
            ProfileDay(
                profile=profile, day=end - dt.timedelta(days=days - 1 - n), **fields
            )
        )
    ProfileDay.objects.bulk_create(rows)


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


def make_agency(name: str, **owner_fields) -> tuple[Agency, object]:  # noqa: ANN003
    owner = UserFactory(
        role=Role.AGENCY, is_age_verified=True, display_name=name, **owner_fields
    )
    agency = Agency.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        status="verified",
        verified_at=timezone.now(),
    )
    AgencyMembership.objects.create(agency=agency, user=owner, role="owner")
    return agency, owner


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
