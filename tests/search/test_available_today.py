"""The cards' "Available today" badge on search results: a precomputed start
between now plus the provider's notice and midnight in the city where the
provider will be (search.availability.profiles_available_today)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from search.availability import epoch_minutes, profiles_available_today
from search.models import ProfileAvailability
from tests.factories.pages import make_profile
from tests.factories.search import live_city

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
# 20:00 in Tokyo = 11:00 UTC: the Tokyo day ends 4 hours later.
NOW = dt.datetime(2026, 12, 2, 20, 0, tzinfo=TOKYO)


@pytest.fixture
def tokyo():
    return live_city(
        "Tokyo", country="Japan", country_code="JP", time_zone="Asia/Tokyo"
    )


def _starts(profile, city, *moments: dt.datetime, notice: int = 0) -> None:  # noqa: ANN001
    starts = sorted(epoch_minutes(m) for m in moments)
    ProfileAvailability.objects.create(
        profile=profile,
        city=city,
        starts=starts,
        start_hours=sorted({s // 60 for s in starts}),
        shortest_minutes=60,
        notice_minutes=notice,
        computed_at=timezone.now(),
    )


def test_only_a_start_before_the_citys_midnight_and_after_notice_counts(tokyo):
    tonight = make_profile("Aiko", city=tokyo)
    tomorrow = make_profile("Hana", city=tokyo)
    too_soon = make_profile("Mei", city=tokyo)
    nothing = make_profile("Yui", city=tokyo)
    _starts(tonight, tokyo, NOW + dt.timedelta(hours=3, minutes=30))  # 23:30
    _starts(tomorrow, tokyo, NOW + dt.timedelta(hours=4))  # 00:00 next day
    _starts(too_soon, tokyo, NOW + dt.timedelta(hours=1), notice=120)

    available = profiles_available_today(
        profile_ids=[p.pk for p in (tonight, tomorrow, too_soon, nothing)], now=NOW
    )

    assert available == {tonight.pk}


def test_the_day_is_the_touring_citys_day_not_utcs(tokyo):
    # 01:00 in Tokyo tomorrow is 16:00 UTC today: by UTC's day it would count.
    visitor = make_profile("Sora", city=live_city("Berlin"))
    _starts(visitor, tokyo, NOW + dt.timedelta(hours=5))

    assert profiles_available_today(profile_ids=[visitor.pk], now=NOW) == set()
    # An hour after Tokyo's midnight, the same start is today's.
    after_midnight = NOW + dt.timedelta(hours=4, minutes=1)
    assert profiles_available_today(profile_ids=[visitor.pk], now=after_midnight) == {
        visitor.pk
    }
