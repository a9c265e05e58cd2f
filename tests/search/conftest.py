"""The search tests' shared world: six profiles over three cities, hand-checked
(name, city, hourly EUR, services, languages, verified, VIP; Emma tours Paris
today)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from search.indexer import search_documents_refresh
from tests.factories.pages import (
    add_rate,
    add_tour,
    language,
    make_profile,
    service,
)
from tests.factories.search import live_city
from tests.shared_data import shared_data


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Six profiles: name, city, hourly EUR, services, languages, verified, VIP.
    Built once per module (tests/shared_data.py); each test's changes roll back."""
    with shared_data(django_db_blocker):
        yield _build_world()


def _build_world() -> dict:
    berlin = live_city("Berlin")
    paris = live_city(
        "Paris",
        country="France",
        country_code="FR",
        time_zone="Europe/Paris",
        latitude=Decimal("48.85"),
        longitude=Decimal("2.35"),
    )
    rome = live_city(
        "Rome",
        country="Italy",
        country_code="IT",
        time_zone="Europe/Rome",
        latitude=Decimal("41.9"),
        longitude=Decimal("12.5"),
    )
    dinner, travel = service("Dinner date"), service("Travel companion")
    en, fr = language("en", "English"), language("fr", "French")
    spec = {
        "Anna": (berlin, 200, [dinner], [en], True, False),
        "Bea": (berlin, 400, [dinner, travel], [en, fr], False, True),
        "Chloé": (paris, 300, [travel], [fr], True, False),
        "Dora": (paris, 600, [dinner, travel], [fr], True, True),
        "Emma": (rome, 100, [], [en], False, False),
        "Fiona": (rome, 250, [dinner], [en, fr], True, False),
    }
    profiles = {}
    for name, (city, eur, services, languages, verified, vip) in spec.items():
        page = make_profile(
            name,
            city=city,
            live=False,
            is_verified=verified,
            is_vip=vip,
            tagline=f"{name} loves opera" if name in "AnnaDora" else "",
        )
        add_rate(page, duration_minutes=60, amount_minor=eur * 100, currency="EUR")
        page.services = services
        page.languages = languages
        page.save()
        page = type(page).objects.get(pk=page.pk)
        page.save_revision().publish()
        profiles[name] = page
    today = timezone.localdate()
    add_tour(profiles["Emma"], city=paris, starts_on=today, ends_on=today)
    search_documents_refresh(profile_ids=[p.pk for p in profiles.values()])
    return {"cities": {"berlin": berlin, "paris": paris, "rome": rome}, **profiles}
