"""The "available between" filter: hours, time off, tours, bookings, notice and
the shortest rate decide, exactly as the booking form would; with a city, where
the provider will be at that time."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.models import AvailabilityException
from search.availability import availability_refresh
from search.indexer import search_documents_refresh
from search.models import ProfileAvailability
from tests.assertions import assert_error_shape
from tests.factories.bookings import bookable_profile, local_time, request_booking
from tests.factories.pages import add_tour, make_city, make_profile

pytestmark = pytest.mark.django_db
API = "/api/v1/search"


@pytest.fixture
def world():
    berlin = make_city("Berlin", slug="berlin-avail")
    paris = make_city(
        "Paris", slug="paris-avail", country="France", time_zone="Europe/Paris"
    )
    open_daily = bookable_profile("Open Anna", city=berlin)
    off = bookable_profile("Away Bea", city=berlin)
    day = local_time(berlin, days=2, hour=12).date()
    AvailabilityException.objects.create(
        profile=off, date=day, kind=AvailabilityException.Kind.OFF
    )
    no_hours = make_profile("Closed Cara", city=berlin)
    visitor = bookable_profile("Visiting Dora", city=paris)
    add_tour(visitor, city=berlin, starts_on=day, ends_on=day + dt.timedelta(days=1))
    slow = bookable_profile("Planner Eva", city=berlin, min_notice_minutes=4 * 24 * 60)
    profiles = [open_daily, off, no_hours, visitor, slow]
    search_documents_refresh(profile_ids=[p.pk for p in profiles])
    return {
        "berlin": berlin,
        "open": open_daily,
        "off": off,
        "closed": no_hours,
        "visitor": visitor,
        "slow": slow,
    }


def _names(api_client, **params) -> set[str]:  # noqa: ANN001, ANN003
    for key in ("available_from", "available_to"):
        if isinstance(params.get(key), dt.datetime):
            params[key] = params[key].isoformat()
    response = api_client.get(API, params)
    assert response.status_code == 200, response.content
    body = response.json()
    names = {r["display_name"] for r in body["results"]}
    assert body["total"] == len(names)  # the count agrees with the rows
    return names


def test_hours_time_off_and_tours_decide(api_client, world):
    berlin = world["berlin"]
    evening = {
        "available_from": local_time(berlin, days=2, hour=20),
        "available_to": local_time(berlin, days=2, hour=21, minute=30),
    }
    # Anywhere: open, and the Paris profile (bookable in Berlin that day).
    assert _names(api_client, **evening) == {"Open Anna", "Visiting Dora"}
    # In Berlin then: the visitor counts, Bea is off, Cara has no hours, Eva
    # needs four days' notice.
    assert _names(api_client, city=berlin.pk, **evening) == {
        "Open Anna",
        "Visiting Dora",
    }
    # A day later (Bea is back), still too soon for Eva; five days on, Eva too.
    assert _names(
        api_client,
        city=berlin.pk,
        available_from=local_time(berlin, days=3, hour=20),
        available_to=local_time(berlin, days=3, hour=22),
    ) == {"Open Anna", "Away Bea", "Visiting Dora"}
    later = _names(
        api_client,
        city=berlin.pk,
        available_from=local_time(berlin, days=5, hour=11),
        available_to=local_time(berlin, days=5, hour=13),
    )
    assert "Planner Eva" in later and "Visiting Dora" not in later  # tour over


def test_a_private_tour_is_not_found_by_its_city_or_its_dates(api_client, world):
    # Issue 10, finding 1: the precomputed starts were kept per city, so "in
    # Berlin, available then" found a Paris provider on a private Berlin tour.
    berlin = world["berlin"]
    paris = world["visitor"].home_city
    secret = bookable_profile("Secret Sia", city=paris)
    day = local_time(berlin, days=2, hour=12).date()
    add_tour(secret, city=berlin, starts_on=day, ends_on=day, is_private=True)
    search_documents_refresh(profile_ids=[secret.pk])
    evening = {
        "available_from": local_time(berlin, days=2, hour=20),
        "available_to": local_time(berlin, days=2, hour=21, minute=30),
    }

    assert "Secret Sia" not in _names(api_client, city=berlin.pk, **evening)
    assert "Secret Sia" not in _names(api_client, **evening)
    assert not ProfileAvailability.objects.filter(
        profile=secret, city_id=berlin.pk
    ).exists()
    # Away on the private tour's day, bookable at home afterwards.
    assert "Secret Sia" in _names(
        api_client,
        available_from=local_time(paris, days=4, hour=11),
        available_to=local_time(paris, days=4, hour=13),
    )


def test_the_window_must_hold_the_shortest_rate_inside_the_hours(api_client, world):
    berlin = world["berlin"]
    half_hour = {
        "available_from": local_time(berlin, days=3, hour=20),
        "available_to": local_time(berlin, days=3, hour=20, minute=30),
    }
    assert _names(api_client, city=berlin.pk, **half_hour) == set()  # 60 min rates
    late = {
        "available_from": local_time(berlin, days=3, hour=22),
        "available_to": local_time(berlin, days=3, hour=23, minute=59),
    }
    assert _names(api_client, city=berlin.pk, **late) == set()  # closed at 22:00


def test_a_booking_takes_its_time_out_of_the_filter(
    api_client, world, django_capture_on_commit_callbacks
):
    berlin, anna = world["berlin"], world["open"]
    hour = {
        "available_from": local_time(berlin, days=4, hour=20),
        "available_to": local_time(berlin, days=4, hour=21),
    }
    assert "Open Anna" in _names(api_client, **hour)
    with django_capture_on_commit_callbacks(execute=True):
        request_booking(anna, start=local_time(berlin, days=4, hour=20))
    assert "Open Anna" not in _names(api_client, **hour)
    # The hour after it is still free.
    assert "Open Anna" in _names(
        api_client,
        available_from=local_time(berlin, days=4, hour=20),
        available_to=local_time(berlin, days=4, hour=22),
    )


def test_hours_removed_by_the_provider_leave_the_filter(
    api_client, world, django_capture_on_commit_callbacks
):
    from bookings.services import availability_replace

    berlin, anna = world["berlin"], world["open"]
    window = {
        "available_from": local_time(berlin, days=3, hour=11),
        "available_to": local_time(berlin, days=3, hour=13),
    }
    assert "Open Anna" in _names(api_client, **window)
    with django_capture_on_commit_callbacks(execute=True):
        availability_replace(
            profile_id=anna.pk, actor=anna.owner, policy={}, rules=[], exceptions=[]
        )
    assert "Open Anna" not in _names(api_client, **window)
    assert not ProfileAvailability.objects.filter(profile=anna).exists()


def test_rows_follow_the_index(world):
    """Only profiles the index shows have bookable times; one row per city."""
    visitor = world["visitor"]
    cities = set(
        ProfileAvailability.objects.filter(profile=visitor).values_list(
            "city__title", flat=True
        )
    )
    assert cities == {"Paris", "Berlin"}
    assert not ProfileAvailability.objects.filter(profile=world["closed"]).exists()
    owner = world["open"].owner
    owner.is_suspended = True
    owner.save(update_fields=["is_suspended"])
    search_documents_refresh(profile_ids=[world["open"].pk])
    assert not ProfileAvailability.objects.filter(profile=world["open"]).exists()
    assert availability_refresh(profile_ids=[world["open"].pk]) == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"available_from": "2030-01-01T20:00:00+01:00"}, "available_to"),
        ({"available_to": "2030-01-01T20:00:00+01:00"}, "available_from"),
        (
            {
                "available_from": "2030-01-01T20:00:00+01:00",
                "available_to": "2030-01-01T19:00:00+01:00",
            },
            "available_to",
        ),
        (
            {
                "available_from": "2030-01-01T20:00:00+01:00",
                "available_to": "2030-01-09T20:00:00+01:00",
            },
            "available_to",
        ),
        ({"available_from": "tomorrow", "available_to": "later"}, "available_from"),
    ],
)
def test_bad_windows_are_400(api_client, params, field):
    error = assert_error_shape(api_client.get(API, params), 400, "validation_error")
    assert field in error["fields"]


def test_the_search_page_takes_a_day_and_times_in_the_city(client, world):
    berlin = world["berlin"]
    day = local_time(berlin, days=2, hour=12).date().isoformat()
    page = client.get(
        "/search/",
        {"city": berlin.pk, "day": day, "time_from": "20:00", "time_to": "21:30"},
    )
    assert page.status_code == 200
    names = {p.title for p in page.context["profiles"]}
    assert names == {"Open Anna", "Visiting Dora"}
    # 23:00 to 01:00 runs past midnight: closed at 22:00 everywhere.
    late = client.get(
        "/search/",
        {"city": berlin.pk, "day": day, "time_from": "23:00", "time_to": "01:00"},
    )
    assert late.context["profiles"] == []
    bad = client.get("/search/", {"day": "someday", "time_from": "20:00"})
    assert bad.status_code == 400
    assert "Choose a day and times." in bad.content.decode()
