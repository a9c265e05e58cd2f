"""GET /api/v1/escorts/{id}/availability, through the view class itself (the URL
is composed in api/urls.py)."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.urls import path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from bookings.apis.availability import AvailabilityApi
from bookings.models import AvailabilityRule, BookingPolicy
from directory.models import CityPage, EscortProfilePage
from tests.assertions import assert_error_shape
from tests.factories.pages import add_rate, add_tour, make_city, make_profile

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def berlin() -> CityPage:
    return make_city("Berlin")


@pytest.fixture
def profile(berlin: CityPage) -> EscortProfilePage:
    """Open every day 10:00-11:30 Berlin time, with 1 and 2 hour rates."""
    profile = make_profile("Amelie", city=berlin)
    add_rate(profile, duration_minutes=60)
    add_rate(profile, duration_minutes=90, amount_minor=45000)
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(
            profile=profile,
            weekday=day,
            start_time=dt.time(10),
            end_time=dt.time(11, 30),
        )
        for day in range(7)
    )
    BookingPolicy.objects.create(
        profile=profile, min_notice_minutes=0, max_days_ahead=365
    )
    return profile


def get(profile_id: int, **params: str) -> Response:
    request = APIRequestFactory().get(
        f"/api/v1/escorts/{profile_id}/availability", params
    )
    response = AvailabilityApi.as_view()(request, profile_id=profile_id)
    response.render()
    # assert_error_shape reads the body as the test client offers it.
    response.json = lambda: json.loads(response.content)
    return response


def today_in_berlin() -> dt.date:
    return timezone.now().astimezone(BERLIN).date()


def utc_iso(day: dt.date, hour: int, minute: int, zone: ZoneInfo = BERLIN) -> str:
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
    return local.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def local_iso(day: dt.date, hour: int, minute: int, zone: ZoneInfo = BERLIN) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).isoformat()


def test_slots_of_one_day(profile: EscortProfilePage, berlin: CityPage) -> None:
    day = today_in_berlin() + dt.timedelta(days=3)

    response = get(profile.pk, **{"from": day.isoformat(), "to": day.isoformat()})

    assert response.status_code == 200
    assert response.json() == {
        "from": day.isoformat(),
        "to": day.isoformat(),
        "profile_id": profile.pk,
        "time_zone": "Europe/Berlin",
        "accepts_bookings": True,
        "cities": [{"id": berlin.pk, "name": "Berlin", "time_zone": "Europe/Berlin"}],
        "slots": [
            {
                "start": utc_iso(day, 10, 0),
                "local_start": local_iso(day, 10, 0),
                "city_id": berlin.pk,
                "durations": [60, 90],
            },
            {
                "start": utc_iso(day, 10, 30),
                "local_start": local_iso(day, 10, 30),
                "city_id": berlin.pk,
                "durations": [60],
            },
        ],
    }


def test_tour_slots_carry_the_tour_city_and_its_offset(
    profile: EscortProfilePage, berlin: CityPage
) -> None:
    new_york = make_city("New York", time_zone="America/New_York", country_code="US")
    zone = ZoneInfo("America/New_York")
    day = today_in_berlin() + dt.timedelta(days=4)
    add_tour(profile, city=new_york, starts_on=day, ends_on=day)
    eve = day - dt.timedelta(days=1)
    params = {"from": eve.isoformat(), "to": day.isoformat()}

    body = get(profile.pk, **params).json()

    assert body["cities"] == [
        {"id": berlin.pk, "name": "Berlin", "time_zone": "Europe/Berlin"},
        {"id": new_york.pk, "name": "New York", "time_zone": "America/New_York"},
    ]
    assert [(s["start"], s["local_start"], s["city_id"]) for s in body["slots"]] == [
        (utc_iso(eve, 10, 0), local_iso(eve, 10, 0), berlin.pk),
        (utc_iso(eve, 10, 30), local_iso(eve, 10, 30), berlin.pk),
        (utc_iso(day, 10, 0, zone), local_iso(day, 10, 0, zone), new_york.pk),
        (utc_iso(day, 10, 30, zone), local_iso(day, 10, 30, zone), new_york.pk),
    ]


def test_a_private_tour_never_reaches_the_public_slots(
    profile: EscortProfilePage, berlin: CityPage
) -> None:
    # Issue 10, finding 1: slots carried the private tour's city id and
    # "cities" listed it. Its days are now simply not bookable.
    new_york = make_city("New York", time_zone="America/New_York", country_code="US")
    day = today_in_berlin() + dt.timedelta(days=4)
    add_tour(profile, city=new_york, starts_on=day, ends_on=day, is_private=True)
    eve, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    params = {"from": eve.isoformat(), "to": after.isoformat()}

    response = get(profile.pk, **params)
    body = response.json()

    assert body["cities"] == [
        {"id": berlin.pk, "name": "Berlin", "time_zone": "Europe/Berlin"}
    ]
    assert [(s["start"], s["city_id"]) for s in body["slots"]] == [
        (utc_iso(eve, 10, 0), berlin.pk),
        (utc_iso(eve, 10, 30), berlin.pk),
        (utc_iso(after, 10, 0), berlin.pk),
        (utc_iso(after, 10, 30), berlin.pk),
    ]
    assert b"New York" not in response.content
    assert b"America/New_York" not in response.content


def test_defaults_to_two_weeks_from_today_at_home(
    profile: EscortProfilePage,
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    # view restrictions (.public()), profile, then bookable_slots' six
    with django_assert_max_num_queries(8):
        body = get(profile.pk).json()

    today = today_in_berlin()
    assert (body["from"], body["to"]) == (
        today.isoformat(),
        (today + dt.timedelta(days=13)).isoformat(),
    )
    # Today's hours may have passed already; the 13 days after are whole.
    later = [
        s
        for s in body["slots"]
        if s["local_start"] >= (today + dt.timedelta(days=1)).isoformat()
    ]
    assert len(later) == 13 * 2


def test_only_from_given(profile: EscortProfilePage) -> None:
    day = today_in_berlin() + dt.timedelta(days=30)

    body = get(profile.pk, **{"from": day.isoformat()}).json()

    assert body["to"] == (day + dt.timedelta(days=13)).isoformat()
    assert len(body["slots"]) == 14 * 2


def test_a_profile_taking_messages_only_offers_no_slots(
    profile: EscortProfilePage,
) -> None:
    EscortProfilePage.objects.filter(pk=profile.pk).update(
        contact_preference=EscortProfilePage.ContactPreference.MESSAGES
    )

    body = get(profile.pk).json()

    assert body["accepts_bookings"] is False
    assert body["slots"] == []
    assert body["cities"] == []


def test_unknown_profile_is_404(profile: EscortProfilePage) -> None:
    for profile_id in (profile.pk + 1000, 2**31):
        error = assert_error_shape(get(profile_id), 404, "not_found")
        assert error["message"] == "Profile not found."


def test_draft_profile_is_404(berlin: CityPage) -> None:
    draft = make_profile("Draft", city=berlin, live=False)

    assert_error_shape(get(draft.pk), 404, "not_found")


def test_profile_of_a_suspended_owner_is_404(profile: EscortProfilePage) -> None:
    owner = profile.owner
    owner.is_suspended = True
    owner.save(update_fields=["is_suspended"])

    assert_error_shape(get(profile.pk), 404, "not_found")


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        (
            {"from": "2027-13-01"},
            {
                "from": [
                    "Date has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DD."
                ]
            },
        ),
        (
            {"from": "2027-03-10", "to": "2027-03-09"},
            {"to": ["The end date is before the start date."]},
        ),
        (
            {"from": "2027-03-10", "to": "2027-05-11"},
            {"to": ["Ask for at most 62 days at a time."]},
        ),
    ],
)
def test_bad_range_is_400(
    profile: EscortProfilePage, params: dict, fields: dict
) -> None:
    error = assert_error_shape(get(profile.pk, **params), 400, "validation_error")

    assert error["fields"] == fields


def test_bad_range_is_400_for_a_profile_without_bookings_too(
    profile: EscortProfilePage,
) -> None:
    EscortProfilePage.objects.filter(pk=profile.pk).update(
        contact_preference=EscortProfilePage.ContactPreference.MESSAGES
    )

    response = get(profile.pk, **{"from": "2027-03-10", "to": "2027-03-01"})

    assert_error_shape(response, 400, "validation_error")


def test_schema() -> None:
    generator = SchemaGenerator(
        patterns=[
            path(
                "api/v1/escorts/<int:profile_id>/availability",
                AvailabilityApi.as_view(),
            )
        ]
    )

    schema = generator.get_schema(request=None, public=True)

    operation = schema["paths"]["/api/v1/escorts/{profile_id}/availability"]["get"]
    assert operation["operationId"] == "escort_availability"
    assert {p["name"]: p["in"] for p in operation["parameters"]} == {
        "profile_id": "path",
        "from": "query",
        "to": "query",
    }
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert response == {"$ref": "#/components/schemas/EscortAvailability"}
    output = schema["components"]["schemas"]["EscortAvailability"]
    assert set(output["properties"]) == {
        "from",
        "to",
        "profile_id",
        "time_zone",
        "accepts_bookings",
        "cities",
        "slots",
    }
    slot = schema["components"]["schemas"]["EscortAvailabilitySlot"]
    assert slot["properties"]["local_start"]["format"] == "date-time"
