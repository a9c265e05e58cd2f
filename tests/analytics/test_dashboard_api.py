"""GET /api/v1/me/analytics and /api/v1/agency/analytics."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.factories import UserFactory
from tests.factories.analytics import seed_days
from tests.factories.pages import make_profile

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/analytics"
AGENCY = "/api/v1/agency/analytics"


def test_my_figures_and_daily_series(api_client, provider, profile):
    seed_days(profile, days=7, views=5, booking_requests=1, bookings_confirmed=1)
    api_client.force_authenticate(provider)
    response = api_client.get(ME, {"days": 7})
    assert response.status_code == 200
    body = response.json()
    assert body["profile_id"] == profile.pk
    assert body["period"]["days"] == 7
    assert body["totals"]["views"] == 35
    assert body["totals"]["acceptance"] == 100.0
    assert body["totals"]["conversion"] == pytest.approx(20.0)
    assert len(body["days"]) == 7 and body["days"][-1]["views"] == 5
    assert body["earnings"] == []
    assert set(body["exposure"]) >= {"share", "fair_share", "ratio"}


@pytest.mark.parametrize(
    "query",
    [
        {"days": "14"},
        {"days": "abc"},
        {"start": "2026-02-01", "end": "2026-01-01"},
        {"start": "2019-01-01", "end": "2023-01-01"},
        {"start": "not-a-date"},
    ],
)
def test_bad_periods_are_400_in_the_error_shape(api_client, provider, profile, query):
    api_client.force_authenticate(provider)
    response = api_client.get(ME, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_period"
    assert error["message"] and error["fields"]


def test_a_foreign_profile_is_404(api_client, provider, profile, city):
    other = make_profile("Stranger", city=city)
    api_client.force_authenticate(provider)
    assert api_client.get(ME, {"profile": other.pk}).status_code == 404
    assert api_client.get(ME, {"profile": 2**40}).status_code == 400
    api_client.force_authenticate(UserFactory(role=Role.CLIENT))
    assert api_client.get(ME).status_code == 404


def test_anonymous_is_refused(api_client):
    assert api_client.get(ME).status_code in (401, 403)
    assert api_client.get(AGENCY).status_code in (401, 403)


def test_agency_figures_per_escort(api_client, agency_world):
    seed_days(
        agency_world["bella"], days=7, views=1, earnings_minor=100, currency="EUR"
    )
    seed_days(agency_world["chloe"], days=7, views=2)
    seed_days(agency_world["dora"], days=7, views=50)
    api_client.force_authenticate(agency_world["owner"])
    response = api_client.get(AGENCY, {"days": 7, "sort": "-views"})
    assert response.status_code == 200
    body = response.json()
    assert body["agency_id"] == agency_world["agency"].pk
    assert body["totals"]["views"] == 21
    assert [(e["name"], e["totals"]["views"]) for e in body["escorts"]] == [
        ("Chloé", 14),
        ("Bella", 7),
    ]
    assert body["escorts"][1]["earnings"] == [{"currency": "EUR", "amount_minor": 700}]
    assert body["earnings"] == [{"currency": "EUR", "amount_minor": 700}]


def test_agency_bad_input_and_scope(api_client, agency_world, provider):
    api_client.force_authenticate(agency_world["owner"])
    bad_sort = api_client.get(AGENCY, {"sort": "owner"})
    assert bad_sort.status_code == 400
    assert bad_sort.json()["error"]["fields"] == {
        "sort": [bad_sort.json()["error"]["message"]]
    }
    assert api_client.get(AGENCY, {"days": "3"}).status_code == 400
    api_client.force_authenticate(provider)
    assert api_client.get(AGENCY).status_code == 404


def test_constant_queries(
    api_client, agency_world, city, django_assert_max_num_queries
):
    api_client.force_authenticate(agency_world["owner"])

    def count(days: int) -> int:
        with django_assert_max_num_queries(20) as captured:
            assert api_client.get(AGENCY, {"days": days}).status_code == 200
        return len(captured.captured_queries)

    few = (count(7), count(90))
    for n in range(3):
        seed_days(
            make_profile(f"Extra {n}", city=city, agency=agency_world["agency"]),
            days=90,
            views=1,
        )
    assert few == (count(7), count(90))
    assert few[0] == few[1]


def test_in_the_schema_with_4xx(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path in (ME, AGENCY):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "400", "404"} <= set(responses)
