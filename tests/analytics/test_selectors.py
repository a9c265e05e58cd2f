"""analytics/selectors.py: exact figures for seeded rows, in a constant number
of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from analytics.models import ProfileDay
from analytics.selectors import per_profile_table, profile_figures
from core.exceptions import ValidationFailed
from directory.models import EscortProfilePage
from search.exposure import exposure_for_profile, exposure_for_profiles
from search.models import ProfileImpressionDaily
from tests.factories.analytics import seed_days
from tests.factories.pages import make_profile

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _period(days: int) -> tuple[dt.date, dt.date]:
    end = TODAY()
    return end - dt.timedelta(days=days - 1), end


def only(profile) -> object:  # noqa: ANN001
    return EscortProfilePage.objects.filter(pk=profile.pk)


def test_totals_and_derived_figures_are_exact(profile):
    seed_days(
        profile,
        days=30,
        views=10,
        contact_clicks=2,
        conversations=1,
        booking_requests=lambda n: 1 if n % 3 == 0 else 0,  # 10 in 30 days
        bookings_confirmed=lambda n: 1 if n % 6 == 0 else 0,  # 5
        bookings_completed=lambda n: 1 if n % 12 == 0 else 0,  # 3
        replies=2,
        reply_seconds=1800,  # 15 min average
    )
    start, end = _period(30)
    figures = profile_figures(profiles=only(profile), start=start, end=end)
    totals = figures.totals
    assert len(figures.days) == 30
    assert (totals.views, totals.contact_clicks, totals.conversations) == (300, 60, 30)
    assert (totals.booking_requests, totals.bookings_confirmed) == (10, 5)
    assert totals.bookings_completed == 3
    assert totals.acceptance == 50.0
    assert totals.completion == 60.0
    assert totals.conversion == pytest.approx(3.3)
    assert totals.response_minutes == 15.0
    assert figures.earnings == {}  # no payments, no earnings figure
    assert figures.has_data


def test_days_without_rows_are_zero_and_a_day_without_replies_has_no_response_time(
    profile,
):
    seed_days(
        profile,
        days=1,
        end=TODAY() - dt.timedelta(days=3),
        views=7,
        replies=1,
        reply_seconds=120,
    )
    start, end = _period(7)
    figures = profile_figures(profiles=only(profile), start=start, end=end)
    views = [d.views for d in figures.days]
    assert views == [0, 0, 0, 7, 0, 0, 0]
    assert [d.response_minutes for d in figures.days] == [None] * 3 + [2.0] + [None] * 3


def test_previous_period_and_change(profile):
    seed_days(profile, days=14, views=lambda n: 10 if n < 7 else 15)
    start, end = _period(7)
    figures = profile_figures(profiles=only(profile), start=start, end=end)
    assert figures.previous.views == 70
    assert figures.totals.views == 105
    assert figures.change("views") == 50.0
    assert figures.change("booking_requests") is None  # nothing to compare


def test_rows_outside_the_period_and_other_profiles_do_not_count(profile, city):
    other = make_profile("Other", city=city)
    seed_days(other, days=7, views=100)
    seed_days(profile, days=1, end=TODAY() - dt.timedelta(days=40), views=100)
    start, end = _period(7)
    figures = profile_figures(profiles=only(profile), start=start, end=end)
    assert figures.totals.views == 0 and not figures.has_data


def test_earnings_per_currency_only_when_there_are_payments(profile, city):
    other = make_profile("Other", city=city)
    seed_days(profile, days=3, earnings_minor=5000, currency="EUR")
    seed_days(other, days=2, earnings_minor=2000, currency="CHF")
    start, end = _period(7)
    both = EscortProfilePage.objects.filter(pk__in=[profile.pk, other.pk])
    figures = profile_figures(profiles=both, start=start, end=end)
    assert figures.earnings == {"CHF": 4000, "EUR": 15000}
    assert figures.days[-1].earnings == {"EUR": 5000, "CHF": 2000}


def test_impressions_and_exposure_against_the_fair_share(profile, city):
    rival = make_profile("Rival", city=city)
    from search.indexer import search_documents_refresh

    search_documents_refresh(profile_ids=[rival.pk])
    day = TODAY()
    ProfileImpressionDaily.objects.bulk_create(
        [
            ProfileImpressionDaily(
                profile=profile, city=city, day=day, impressions=30, first_page=10
            ),
            ProfileImpressionDaily(
                profile=rival, city=city, day=day, impressions=50, first_page=30
            ),
        ]
    )
    start, end = _period(7)
    figures = profile_figures(profiles=only(profile), start=start, end=end)
    assert figures.totals.impressions == 30
    assert figures.days[-1].impressions == 30
    exposure = figures.exposure
    assert exposure["share"] == 0.25  # 10 of the band's 40
    assert exposure["fair_share"] == 0.5  # two live profiles in the band
    assert exposure["ratio"] == 0.5
    # The same rule as the single-profile report of search.exposure.
    single = exposure_for_profile(profile=profile, days=7)
    assert (single["share"], single["fair_share"], single["ratio"]) == (0.25, 0.5, 0.5)
    both = exposure_for_profiles(
        profile_ids=[profile.pk, rival.pk], start=start, end=end
    )
    assert (both["share"], both["fair_share"], both["ratio"]) == (1.0, 1.0, 1.0)


def _figures_queries(django_assert_max_num_queries, profiles, days):  # noqa: ANN001, ANN202
    start, end = _period(days)
    with django_assert_max_num_queries(6) as captured:
        profile_figures(profiles=profiles, start=start, end=end)
    return len(captured.captured_queries)


def test_figures_run_a_constant_number_of_queries(
    profile, agency_world, django_assert_max_num_queries
):
    seed_days(profile, days=90, views=3, earnings_minor=100, currency="EUR")
    for name in ("bella", "chloe", "dora"):
        seed_days(agency_world[name], days=90, views=2)
    many = EscortProfilePage.objects.filter(
        pk__in=[profile.pk] + [agency_world[n].pk for n in ("bella", "chloe", "dora")]
    )
    counts = {
        _figures_queries(django_assert_max_num_queries, only(profile), 7),
        _figures_queries(django_assert_max_num_queries, only(profile), 90),
        _figures_queries(django_assert_max_num_queries, many, 7),
        _figures_queries(django_assert_max_num_queries, many, 90),
    }
    assert len(counts) == 1


def test_per_profile_table(agency_world, django_assert_max_num_queries):
    bella, chloe = agency_world["bella"], agency_world["chloe"]
    seed_days(bella, days=7, views=10, booking_requests=1, bookings_confirmed=1)
    seed_days(chloe, days=7, views=20, earnings_minor=300, currency="EUR")
    profiles = EscortProfilePage.objects.filter(agency=agency_world["agency"])
    start, end = _period(7)
    with django_assert_max_num_queries(3):
        table = per_profile_table(profiles=profiles, start=start, end=end)
    assert [(r.name, r.counts.views) for r in table] == [("Bella", 70), ("Chloé", 140)]
    assert table[0].counts.acceptance == 100.0 and table[0].counts.conversion == 10.0
    assert table[1].earnings == {"EUR": 2100} and table[0].earnings == {}
    by_views = per_profile_table(profiles=profiles, start=start, end=end, sort="-views")
    assert [r.name for r in by_views] == ["Chloé", "Bella"]


def test_per_profile_table_queries_do_not_grow(
    agency_world, city, django_assert_max_num_queries
):
    agency = agency_world["agency"]
    profiles = EscortProfilePage.objects.filter(agency=agency)
    start, end = _period(90)
    with django_assert_max_num_queries(3):
        per_profile_table(profiles=profiles, start=start, end=end)
    for n in range(3):
        seed_days(
            make_profile(f"Extra {n}", city=city, agency=agency), days=90, views=1
        )
    with django_assert_max_num_queries(3):
        assert len(per_profile_table(profiles=profiles, start=start, end=end)) == 5


@pytest.mark.parametrize("sort", ["password", "-", "views;drop", "__class__"])
def test_unknown_sort_is_refused(agency_world, sort):
    profiles = EscortProfilePage.objects.filter(agency=agency_world["agency"])
    start, end = _period(7)
    with pytest.raises(ValidationFailed) as caught:
        per_profile_table(profiles=profiles, start=start, end=end, sort=sort)
    assert caught.value.message.startswith("Sort by one of: name, views")
    assert ProfileDay.objects.count() == 0
