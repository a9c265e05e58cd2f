"""The recommended order: VIP band first, a daily shuffle per lane chosen by the
visitor's seed, a bounded boost; served from the lane's index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from search.models import ProfileSearchDocument
from search.params import SearchParams
from search.ranking import (
    ACTIVITY_BOOST,
    LANES,
    ROTATION_SPAN,
    activity_cutoff,
    lane_of,
    rotation_refresh,
    rotation_refresh_due,
)
from search.selectors import search_profiles
from tests.factories.search import live_city, live_profile
from tests.shared_data import shared_data

pytestmark = pytest.mark.django_db
SEED = "visitor:2026-11-23"


@pytest.fixture(scope="module")
def twelve(django_db_setup, django_db_blocker):
    with shared_data(django_db_blocker):
        city = live_city("Berlin")
        yield [
            live_profile(
                f"Profile {n:02}", city=city, is_vip=n < 3, eur_per_hour=100 + n
            )
            for n in range(12)
        ]


def order(seed: str, **params) -> list[int]:  # noqa: ANN003
    params = SearchParams(page_size=50, **params)
    return [d.pk for d in search_profiles(params=params, seed=seed).documents]


def test_vip_band_first_then_standard(twelve):
    vips = {p.pk for p in twelve[:3]}
    assert set(order(SEED)[:3]) == vips


def test_two_seeds_give_different_orders_and_one_seed_is_stable(twelve):
    assert order(SEED) == order(SEED)
    assert len({tuple(order(f"v{n}:2026-11-23")) for n in range(5)}) > 1


def test_paging_with_the_rotation_returns_each_profile_once(twelve):
    seen, cursor = [], None
    while True:
        result = search_profiles(
            params=SearchParams(page_size=5, cursor=cursor), seed=SEED
        )
        seen += [d.pk for d in result.documents]
        cursor = result.next_cursor
        if not cursor:
            break
    assert seen == order(SEED)
    assert len(set(seen)) == 12


def test_recent_activity_moves_a_profile_up_by_a_bounded_amount(twelve):
    standard = order(SEED)[3:]
    last = standard[-1]
    ProfileSearchDocument.objects.filter(pk=last).update(
        last_active_at=activity_cutoff(timezone.localdate()) + dt.timedelta(hours=1)
    )
    rotation_refresh(profile_ids=[last])  # as the indexer does on every write
    boosted = order(SEED)[3:]
    assert boosted.index(last) <= standard.index(last)
    assert ACTIVITY_BOOST == ROTATION_SPAN // 8
    # Never into the VIP band.
    assert last not in order(SEED)[:3]


def test_activity_cutoff_is_fixed_for_the_day():
    cutoff = activity_cutoff(timezone.localdate())
    assert cutoff.date() == timezone.localdate() - dt.timedelta(days=1)
    assert (cutoff.hour, cutoff.minute) == (0, 0)


def test_every_lane_is_a_different_shuffle_of_the_same_profiles(twelve):
    seeds = {}
    for n in range(200):
        seeds.setdefault(lane_of(f"visitor-{n}:2026-11-23"), f"visitor-{n}:2026-11-23")
    assert sorted(seeds) == list(range(1, LANES + 1))  # seeds spread over lanes
    orders = {lane: tuple(order(seed)) for lane, seed in seeds.items()}
    assert all(sorted(o) == sorted(p.pk for p in twelve) for o in orders.values())
    assert len(set(orders.values())) == LANES


def test_the_daily_job_rekeys_yesterdays_rows_once(twelve):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ids = [p.pk for p in twelve]
    rotation_refresh(profile_ids=ids, day=yesterday)
    before = order(SEED)
    assert rotation_refresh_due() == 12
    assert rotation_refresh_due() == 0  # already keyed today
    assert set(
        ProfileSearchDocument.objects.values_list("rotation_day", flat=True)
    ) == {timezone.localdate()}
    assert order(SEED) != before  # a new day, a new shuffle
