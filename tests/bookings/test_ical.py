"""The provider's calendar feed: active bookings from 30 days back, one event
each, times in UTC, nothing about the client; the token is the only key."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test import Client

from bookings.models import Booking, BookingPolicy
from bookings.services import booking_act
from tests.factories.bookings import (
    bookable_profile,
    client_account,
    local_time,
    request_booking,
)
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

NOTE = "Ring twice at the side door."


@pytest.fixture
def berlin():
    return make_city("Berlin", slug="berlin-ical")


@pytest.fixture
def provider():
    return EscortOwnerFactory()


@pytest.fixture
def profile(berlin, provider):
    return bookable_profile("Clara", city=berlin, owner=provider)


@pytest.fixture
def customer():
    return client_account(display_name="Maximilian", email="max@example.test")


def feed_url(profile) -> str:  # noqa: ANN001
    token = BookingPolicy.objects.get(profile=profile).calendar_token
    return f"/dashboard/bookings/calendar/{token}.ics"


def book(profile, customer, start: dt.datetime) -> Booking:  # noqa: ANN001
    booking = request_booking(profile, start=start, client=customer)
    Booking.objects.filter(pk=booking.pk).update(note=NOTE)
    return booking


def move_back(booking: Booking, days: int) -> None:
    """Bookings cannot be requested in the past: shift one there afterwards."""
    shift = dt.timedelta(days=days)
    start, end = booking.start - shift, booking.end - shift
    Booking.objects.filter(pk=booking.pk).update(
        start=start, end=end, span=DateTimeTZRange(start, end, "[)")
    )


def test_the_feed_lists_active_bookings_in_utc_without_client_data(
    client, profile, provider, customer, berlin
):
    requested = book(profile, customer, local_time(berlin, days=2, hour=12))
    confirmed = book(profile, customer, local_time(berlin, days=3, hour=18))
    booking_act(booking_id=confirmed.pk, actor=provider, action="accept")
    cancelled = book(profile, customer, local_time(berlin, days=4, hour=12))
    booking_act(booking_id=cancelled.pk, actor=customer, action="cancel")
    recent = book(profile, customer, local_time(berlin, days=5, hour=12))
    move_back(recent, days=20)  # still inside the 30 days back
    old = book(profile, customer, local_time(berlin, days=6, hour=12))
    move_back(old, days=45)
    recent.refresh_from_db()

    response = client.get(feed_url(profile))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {
        str(event["UID"]): (event.decoded("DTSTART"), event.decoded("DTEND"))
        for event in calendar.walk("VEVENT")
    }
    assert events == {
        f"booking-{booking.pk}@premium-escorts": (booking.start, booking.end)
        for booking in (recent, requested, confirmed)
    }
    body = response.content.decode()
    start = confirmed.start.astimezone(dt.UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in body  # UTC, no TZID
    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert "Booking: 60 min (Confirmed)" in summaries
    assert "Booking: 60 min (Requested)" in summaries
    for private in (NOTE, "Ring twice", customer.email, "Maximilian"):
        assert private not in body


def test_an_unknown_token_is_404(client, profile):
    assert client.get("/dashboard/bookings/calendar/not-a-token.ics").status_code == 404
    assert client.get("/dashboard/bookings/calendar/.ics").status_code == 404


def test_one_profiles_token_never_shows_another_profiles_bookings(
    client, profile, customer, berlin
):
    other = bookable_profile("Ida", city=berlin)
    mine = book(profile, customer, local_time(berlin, days=2, hour=12))
    theirs = book(other, customer, local_time(berlin, days=2, hour=12))

    body = client.get(feed_url(profile)).content.decode()

    assert f"booking-{mine.pk}@" in body
    assert f"booking-{theirs.pk}@" not in body


def test_the_provider_dashboard_shows_the_feed_address(profile, provider, berlin):
    # A profile without a saved policy has no token yet.
    second = make_profile("Bea", city=berlin, owner=provider)
    browser = Client()
    browser.force_login(provider)

    page = browser.get("/dashboard/bookings/").content.decode()

    assert f'value="http://testserver{feed_url(profile)}"' in page
    assert "Set your booking policy first" in page
    assert second.title in page
    assert not BookingPolicy.objects.filter(profile=second).exists()
