"""Each metric's numbers for scripted data, its breakdowns, and day/week/month
buckets in the site time zone (analytics/metrics.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from analytics.metrics import (
    METRICS,
    UnknownMetric,
    UnsupportedBreakdown,
    metric_get,
    metric_rows,
    metric_totals,
    period_last_days,
)
from analytics.periods import Period
from bookings.models import Booking
from messaging.models import Thread
from tests.factories import UserFactory
from tests.factories.business_figures import (
    active,
    at,
    booking,
    message,
    post,
    profile_day,
    report,
    search,
    signup,
)
from tests.factories.subscriptions import give_plan

pytestmark = pytest.mark.django_db

MARCH = Period(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


def rows(key: str, breakdown: str, period: Period = MARCH) -> dict[str, int]:
    found = metric_rows(metric=metric_get(key), period=period, breakdown=breakdown)
    return {row.bucket: row.value for row in found}


def labelled(key: str, breakdown: str, period: Period = MARCH) -> dict[str, int]:
    found = metric_rows(metric=metric_get(key), period=period, breakdown=breakdown)
    return {row.label: row.value for row in found}


def test_signups_by_role_and_plan_leave_out_staff_and_other_periods():
    signup(at("2026-03-02"), role=Role.CLIENT)
    signup(at("2026-03-03"), role=Role.CLIENT)
    premium = signup(at("2026-03-03"), role=Role.ESCORT)
    give_plan(premium, "premium")
    signup(at("2026-03-04"), role=Role.STAFF)  # granted, not a sign-up
    signup(at("2026-02-28"), role=Role.CLIENT)  # before the period
    signup(at("2026-04-01"), role=Role.AGENCY)  # after it

    assert labelled("signups", "role") == {"Client": 2, "Escort": 1}
    assert labelled("signups", "plan") == {"No plan": 2, "Premium": 1}
    assert metric_totals(metric=METRICS["signups"], period=MARCH) == {"": 3}


def test_day_buckets_fill_the_axis_with_zeroes():
    signup(at("2026-03-02", 9))
    signup(at("2026-03-02", 20))
    by_day = rows("signups", "day", Period(dt.date(2026, 3, 1), dt.date(2026, 3, 3)))
    assert by_day == {"2026-03-01": 0, "2026-03-02": 2, "2026-03-03": 0}


def test_week_and_month_buckets_are_the_site_time_zones(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    timezone.deactivate()
    # Sunday 1 March 23:30 UTC is Monday 2 March 00:30 in Berlin: the next week.
    signup(at("2026-03-01", 23, 30))
    # 31 March 22:30 UTC is 1 April 00:30 in Berlin (summer time): April.
    signup(at("2026-03-31", 22, 30))
    signup(at("2026-03-10"))
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 4, 30))

    weeks = rows("signups", "week", period)
    assert weeks["2026-02-23"] == 0  # the week holding 1 March starts on Monday
    assert weeks["2026-03-02"] == 1
    assert weeks["2026-03-09"] == 1
    assert weeks["2026-03-30"] == 1
    assert sum(weeks.values()) == 3
    assert rows("signups", "month", period) == {"2026-03": 2, "2026-04": 1}
    assert rows("signups", "day", period)["2026-03-02"] == 1


def test_active_users_count_each_account_once_per_bucket():
    first, second = UserFactory(role=Role.CLIENT), UserFactory(role=Role.ESCORT)
    active(first, "2026-03-02", "2026-03-03", "2026-03-10")
    active(second, "2026-03-03")
    assert metric_totals(metric=METRICS["active_users"], period=MARCH) == {"": 2}
    weeks = rows("active_users", "week")
    assert weeks["2026-03-02"] == 2
    assert weeks["2026-03-09"] == 1
    assert labelled("active_users", "role") == {"Client": 1, "Escort": 1}


def test_bookings_by_status_and_city(profiles):
    vienna_profile, zurich_profile = profiles
    booking(vienna_profile, at("2026-03-05"), status=Booking.Status.COMPLETED)
    booking(vienna_profile, at("2026-03-06"), status=Booking.Status.DECLINED)
    booking(zurich_profile, at("2026-03-06"), status=Booking.Status.COMPLETED)
    booking(zurich_profile, at("2026-04-02"), status=Booking.Status.COMPLETED)

    assert labelled("bookings", "status") == {"Completed": 2, "Declined": 1}
    assert labelled("bookings", "city") == {"Vienna": 2, "Zurich": 1}
    assert rows("bookings", "day")["2026-03-06"] == 2


def test_profile_day_figures_by_city_and_plan(profiles):
    vienna_profile, zurich_profile = profiles
    give_plan(zurich_profile.owner, "premium")
    profile_day(vienna_profile, "2026-03-01", views=10, contact_clicks=2)
    profile_day(vienna_profile, "2026-03-02", views=5, bookings_completed=1)
    profile_day(zurich_profile, "2026-03-02", views=7, contact_clicks=3)
    profile_day(zurich_profile, "2026-04-01", views=100, bookings_completed=4)

    assert labelled("profile_views", "city") == {"Vienna": 15, "Zurich": 7}
    assert labelled("profile_views", "plan") == {"No plan": 15, "Premium": 7}
    assert rows("contact_clicks", "day")["2026-03-02"] == 3
    assert metric_totals(metric=METRICS["contact_clicks"], period=MARCH) == {"": 5}
    assert labelled("bookings_completed", "city") == {"Vienna": 1, "Zurich": 0}
    assert rows("bookings_completed", "month") == {"2026-03": 1}


def test_messages_count_people_only_by_role(profiles):
    client = UserFactory(role=Role.CLIENT)
    thread = Thread.objects.create(client=client, profile=profiles[0])
    message(thread, client, at("2026-03-03"))
    message(thread, client, at("2026-03-04"))
    message(thread, profiles[0].owner, at("2026-03-04"))
    message(thread, profiles[0].owner, at("2026-03-04"), automatic=True)
    assert labelled("messages", "role") == {"Client": 2, "Escort": 1}
    assert labelled("messages", "city") == {"Vienna": 3}


def test_reports_and_searches_without_results():
    report(at("2026-03-03"))
    report(at("2026-03-03"))
    report(at("2026-02-03"))
    search(at("2026-03-04"), results=0, query="nowhere")
    search(at("2026-03-04"), results=3, query="vienna")
    search(at("2026-03-05"), results=0)
    assert rows("reports_opened", "day")["2026-03-03"] == 2
    assert labelled("reports_opened", "status") == {"Open": 2}
    assert rows("searches_without_results", "month") == {"2026-03": 2}


def test_revenue_is_net_of_refunds_per_currency():
    post(2900, currency="EUR", cause="1")
    post(4900, currency="EUR", cause="2")
    post(900, currency="EUR", cause="3", refund=True)
    post(3000, currency="CHF", cause="4")
    today = period_last_days(1)
    assert metric_totals(metric=METRICS["revenue"], period=today) == {
        "EUR": 6900,
        "CHF": 3000,
    }
    by_day = metric_rows(metric=METRICS["revenue"], period=today, breakdown="day")
    assert {(row.currency, row.value) for row in by_day} == {
        ("CHF", 3000),
        ("EUR", 6900),
    }


def test_unknown_metric_and_unsupported_breakdown_are_refused():
    with pytest.raises(UnknownMetric):
        metric_get("pageviews")
    with pytest.raises(UnsupportedBreakdown):
        metric_rows(metric=METRICS["revenue"], period=MARCH, breakdown="role")
    assert "city" not in METRICS["signups"].breakdowns
    assert METRICS["bookings"].breakdowns == ("day", "week", "month", "status", "city")
