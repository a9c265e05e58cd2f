"""/dashboard/analytics/ and its CSV: a provider's own figures, the period
switch, bad periods, scope, constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.factories import UserFactory
from tests.factories.analytics import seed_days
from tests.factories.pages import make_profile

pytestmark = pytest.mark.django_db

URL = "/dashboard/analytics/"
CSV = "/dashboard/analytics/export.csv"


def test_provider_sees_charts_and_figures_for_the_period(client, provider, profile):
    seed_days(profile, days=30, views=12, contact_clicks=3, booking_requests=1)
    client.force_login(provider)
    response = client.get(URL, {"days": 30})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="views">360<' in html
    assert 'data-figure="booking_requests">30<' in html
    assert 'data-figure="conversion">8.3%<' in html
    assert html.count('<svg class="chart chart--line"') == 2  # activity, response
    assert 'data-chart-name="bookings"' in html and 'data-chart-name="exposure"' in html
    assert 'data-chart-name="earnings"' not in html  # no payments
    assert 'aria-current="page">30 days' in html
    # The numbers beside the chart: the last day's row.
    last = timezone.localdate()
    assert f'<th scope="row">{last.day} {last:%b}</th><td class="num">12</td>' in html
    assert "style=" not in html.split("<main", 1)[-1]


def test_seven_days_sum_seven_days(client, provider, profile):
    seed_days(profile, days=30, views=1)
    client.force_login(provider)
    html = client.get(URL, {"days": 7}).content.decode()
    assert 'data-figure="views">7<' in html
    assert 'aria-current="page">7 days' in html


def test_earnings_show_when_there_are_deposits(client, provider, profile):
    seed_days(profile, days=2, views=1, earnings_minor=7500, currency="EUR")
    client.force_login(provider)
    html = client.get(URL).content.decode()
    assert 'data-chart-name="earnings"' in html
    assert 'data-tile="earnings_EUR"' in html


def test_empty_state_for_a_new_profile(client, provider, profile):
    client.force_login(provider)
    response = client.get(URL)
    assert response.status_code == 200
    assert (
        "Figures appear the day after your profile goes live."
        in response.content.decode()
    )
    assert b"<svg" not in response.content


def test_a_provider_without_a_profile_gets_the_empty_state(client):
    client.force_login(UserFactory(role=Role.ESCORT))
    response = client.get(URL)
    assert response.status_code == 200
    assert b'data-empty="no-profile"' in response.content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"days": "14"}, "Choose a period of 7, 30 or 90 days."),
        ({"days": "x"}, "Choose a period of 7, 30 or 90 days."),
        (
            {"start": "2026-02-01", "end": "2026-01-01"},
            "The end date is before the start date.",
        ),
        (
            {"start": "2020-01-01", "end": "2023-01-01"},
            "A period can cover at most 731 days.",
        ),
    ],
)
def test_bad_periods_answer_400_with_the_message(
    client, provider, profile, query, message
):
    seed_days(profile, days=3, views=5)
    client.force_login(provider)
    response = client.get(URL, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html
    assert "data-figure=" not in html  # nothing computed, nothing shown
    csv_response = client.get(CSV, query)
    assert csv_response.status_code == 400
    assert csv_response.content.decode() == message


def test_another_providers_profile_is_404(client, provider, profile, city):
    other = make_profile("Stranger", city=city)
    seed_days(other, days=3, views=99)
    client.force_login(provider)
    assert client.get(URL, {"profile": other.pk}).status_code == 404
    assert client.get(CSV, {"profile": other.pk}).status_code == 404
    for bad in ("abc", "0", "-1", str(2**40)):
        assert client.get(URL, {"profile": bad}).status_code == 404


def test_a_client_gets_404(client, profile):
    client.force_login(UserFactory(role=Role.CLIENT))
    assert client.get(URL).status_code == 404
    assert client.get(CSV).status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_csv_has_one_row_per_day_with_every_figure(client, provider, profile):
    seed_days(
        profile,
        days=7,
        views=lambda n: n,
        booking_requests=1,
        bookings_confirmed=lambda n: n % 2,
        replies=1,
        reply_seconds=600,
        earnings_minor=1250,
        currency="EUR",
    )
    client.force_login(provider)
    response = client.get(CSV, {"days": 7, "profile": profile.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    end = timezone.localdate()
    start = end - dt.timedelta(days=6)
    assert response["Content-Disposition"] == (
        f'attachment; filename="analytics-amelie-{start}-{end}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 7
    assert rows[0]["date"] == start.isoformat() and rows[-1]["date"] == end.isoformat()
    assert [r["views"] for r in rows] == [str(n) for n in range(7)]
    assert rows[1]["acceptance_percent"] == "100.0"
    assert rows[0]["acceptance_percent"] == "0.0"
    assert rows[0]["conversion_percent"] == ""  # no views that day: no rate
    assert rows[0]["response_minutes"] == "10.0"
    assert rows[0]["earnings_eur"] == "12.5"


def test_a_manager_of_several_profiles_picks_one(client, agency_world):
    seed_days(agency_world["bella"], days=3, views=4)
    seed_days(agency_world["chloe"], days=3, views=9)
    client.force_login(agency_world["owner"])
    html = client.get(URL).content.decode()
    assert 'name="profile"' in html  # the picker
    picked = client.get(URL, {"profile": agency_world["chloe"].pk}).content.decode()
    assert 'data-figure="views">27<' in picked
    assert client.get(URL, {"profile": agency_world["dora"].pk}).status_code == 404


def test_the_dashboard_home_links_here_with_a_sparkline(client, provider, profile):
    seed_days(profile, days=30, views=2)
    client.force_login(provider)
    html = client.get("/dashboard/").content.decode()
    assert f'href="{URL}"' in html
    assert 'data-panel="analytics"' in html and 'data-figure="views">60<' in html
    assert 'class="chart chart--sparkline"' in html


def test_constant_queries_for_7_and_90_days(
    client, provider, profile, django_assert_max_num_queries
):
    seed_days(
        profile, days=90, views=3, booking_requests=1, currency="EUR", earnings_minor=5
    )
    client.force_login(provider)
    client.get(URL)  # warm the per-process caches (site, settings)
    counts = []
    for days in (7, 90):
        with django_assert_max_num_queries(30) as captured:
            assert client.get(URL, {"days": days}).status_code == 200
        counts.append(len(captured.captured_queries))
        with django_assert_max_num_queries(30) as captured_csv:
            assert client.get(CSV, {"days": days}).status_code == 200
        counts.append(len(captured_csv.captured_queries))
    assert counts[0] == counts[2] and counts[1] == counts[3]
