"""The booking request page as a calendar: days, the chosen day's free times,
only the durations that fit, a meeting place for outcalls, the provider's terms,
and refusals in words that keep what was typed."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings.models import AvailabilityException, AvailabilityRule, Booking
from directory.models import ProfileRate
from tests.factories.bookings import (
    bookable_profile,
    client_account,
    local_time,
    rate_of,
    request_booking,
)
from tests.factories.pages import EscortOwnerFactory, add_rate, make_city

pytestmark = pytest.mark.django_db

RATE = re.compile(r'<label class="booking-rate">(.*?)</label>', re.S)
TIME = re.compile(r'<label class="booking-time">(.*?)</label>', re.S)
DAYS = re.compile(r'<ol class="booking-days".*?</ol>', re.S)
DAY = re.compile(r"<li>(.*?)</li>", re.S)


@pytest.fixture
def berlin():
    return make_city("Berlin", slug="berlin-request")


@pytest.fixture
def profile(berlin):
    return bookable_profile(
        "Clara",
        city=berlin,
        owner=EscortOwnerFactory(display_name="Clara"),
        deposit_percent=30,
        cancellation_window_hours=24,
    )


@pytest.fixture
def customer():
    return client_account(display_name="Max")


def url(profile) -> str:  # noqa: ANN001
    return f"/dashboard/bookings/request/{profile.pk}/"


def signed_in(user) -> Client:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    return browser


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def page_text(response) -> str:  # noqa: ANN001
    return text(response.content.decode())


def offered_rates(response) -> list[str]:  # noqa: ANN001
    return [text(label) for label in RATE.findall(response.content.decode())]


def calendar(response) -> list[str]:  # noqa: ANN001
    days = DAYS.search(response.content.decode())[0]
    return [text(day) for day in DAY.findall(days)]


def times(response) -> list[str]:  # noqa: ANN001
    return [text(label) for label in TIME.findall(response.content.decode())]


def post(profile, start: dt.datetime, *, minutes: int = 60, **extra) -> dict:  # noqa: ANN001
    return {
        "slot": start.astimezone(dt.UTC).isoformat(),
        "rate": rate_of(profile, minutes),
        "note": "Dinner first, please.",
        "form_id": "form-1",
        **extra,
    }


# --- The calendar -----------------------------------------------------------------


def test_the_calendar_shows_two_weeks_with_free_and_full_days(
    profile, customer, berlin
):
    day_off = local_time(berlin, days=4, hour=12).date()
    AvailabilityException.objects.create(profile=profile, date=day_off, kind="off")
    chosen = local_time(berlin, days=3, hour=10)

    response = signed_in(customer).get(url(profile), {"day": chosen.date().isoformat()})

    days = calendar(response)
    assert len(days) == 14
    assert days[4] == f"{day_off:%a} {day_off.day} {day_off:%b} None"
    assert days[3].endswith("23 free")  # 10:00 to 21:00 every half hour
    body = response.content.decode()
    assert f'href="?day={chosen.date().isoformat()}"' in body
    assert f'data-day="{chosen.date().isoformat()}" aria-current="date"' in body
    assert times(response)[0] == "10:00"
    assert "<select" not in body  # no 180-item list any more


def test_the_calendar_stops_at_the_policy_horizon(berlin, customer):
    profile = bookable_profile("Dora", city=berlin, max_days_ahead=5)

    response = signed_in(customer).get(url(profile))

    assert len(calendar(response)) == 6  # today and 5 ahead


def test_the_terms_are_shown_before_sending(profile, customer):
    shown = page_text(signed_in(customer).get(url(profile)))

    assert "Cancellation and deposit" in shown
    assert "Free cancellation until 24 hours before the start" in shown
    assert (
        "A deposit of 30% of the price is due once Clara accepts "
        "(90 EUR for 1 hour, 165 EUR for 2 hours)"
    ) in shown
    assert "Nothing is booked until Clara accepts." in shown
    assert shown.index("Cancellation and deposit") < shown.index("Send request")


# --- Only durations that fit ---------------------------------------------------------


def test_durations_that_do_not_fit_are_not_offered(profile, customer, berlin):
    request_booking(profile, start=local_time(berlin, days=3, hour=15))
    two_pm = local_time(berlin, days=3, hour=14)
    browser = signed_in(customer)

    day = browser.get(url(profile), {"day": two_pm.date().isoformat()})
    # Without the script: the form sent back with a time shows what fits it.
    narrowed = browser.post(url(profile), post(profile, two_pm, step="times"))
    noon = browser.post(
        url(profile), post(profile, local_time(berlin, days=3, hour=12), step="times")
    )

    assert "14:00 (up to 1 hour)" in times(day)
    assert 'data-durations="60"' in day.content.decode()
    assert narrowed.status_code == 200
    assert offered_rates(narrowed) == ["1 hour · Incall · 300 EUR"]
    assert offered_rates(noon) == [
        "1 hour · Incall · 300 EUR",
        "2 hours · Incall · 550 EUR",
    ]
    assert "Dinner first, please." in narrowed.content.decode()  # nothing lost
    assert not Booking.objects.filter(client=customer).exists()


def test_a_duration_that_does_not_fit_is_refused_with_the_reason(
    profile, customer, berlin
):
    request_booking(profile, start=local_time(berlin, days=3, hour=15))
    two_pm = local_time(berlin, days=3, hour=14)
    late = local_time(berlin, days=3, hour=21)
    browser = signed_in(customer)

    into_booking = browser.post(url(profile), post(profile, two_pm, minutes=120))
    past_hours = browser.post(url(profile), post(profile, late, minutes=120))

    assert (into_booking.status_code, past_hours.status_code) == (400, 400)
    assert (
        "2 hours from 14:00 does not fit: it would run into another booking or "
        "past the end of the hours. From 14:00 there is room for 1 hour at most"
    ) in page_text(into_booking)
    assert "2 hours from 21:00 does not fit" in page_text(past_hours)
    assert "Dinner first, please." in into_booking.content.decode()
    assert not Booking.objects.filter(client=customer).exists()


# --- Meeting place -------------------------------------------------------------------


@pytest.fixture
def outcall(profile) -> ProfileRate:  # noqa: ANN001
    return add_rate(
        profile, duration_minutes=90, kind=ProfileRate.Kind.OUTCALL, amount_minor=50000
    )


def test_an_outcall_needs_a_meeting_place(profile, customer, berlin, outcall):
    start = local_time(berlin, days=3, hour=14)
    browser = signed_in(customer)
    data = post(profile, start, rate=outcall.pk, note="Ring twice.")

    blank = browser.post(url(profile), {**data, "meeting_place": "  "})
    sent = browser.post(
        url(profile), {**data, "meeting_place": "Hotel Adlon, room 412"}
    )

    assert blank.status_code == 400
    assert "Say where to meet: an outcall needs an address or a hotel." in page_text(
        blank
    )
    assert "Ring twice." in blank.content.decode()
    assert sent.status_code == 302
    booking = Booking.objects.get(client=customer)
    assert (booking.location, booking.meeting_place) == (
        "outcall",
        "Hotel Adlon, room 412",
    )


def test_the_meeting_place_is_ignored_for_incall(profile, customer, berlin, outcall):
    start = local_time(berlin, days=3, hour=14)

    response = signed_in(customer).post(
        url(profile), post(profile, start, meeting_place="Somewhere")
    )

    assert response.status_code == 302
    assert Booking.objects.get(client=customer).meeting_place == ""


@pytest.mark.parametrize("place", ["x" * 201, "Hotel\x00Adlon"])
def test_a_bad_meeting_place_is_refused(profile, customer, berlin, outcall, place):
    start = local_time(berlin, days=3, hour=14)

    response = signed_in(customer).post(
        url(profile), post(profile, start, rate=outcall.pk, meeting_place=place)
    )

    assert response.status_code == 400
    assert not Booking.objects.filter(client=customer).exists()


def test_the_meeting_place_is_shown_to_the_two_sides_only(
    profile, customer, berlin, outcall
):
    start = local_time(berlin, days=3, hour=14)
    data = post(profile, start, rate=outcall.pk, meeting_place="Hotel Adlon, 412")
    signed_in(customer).post(url(profile), data)
    booking = Booking.objects.get(client=customer)
    detail = f"/dashboard/bookings/{booking.pk}/"

    as_client = signed_in(customer).get(detail)
    as_provider = signed_in(profile.owner).get(detail)
    as_other = signed_in(client_account()).get(detail)
    public = Client().get(profile.url)

    assert "Hotel Adlon, 412" in page_text(as_client)
    assert "Hotel Adlon, 412" in page_text(as_provider)
    assert as_other.status_code == 404
    assert "Hotel Adlon" not in public.content.decode()


# --- Refusals in words ---------------------------------------------------------------


def test_a_taken_time_is_refused_in_words_and_keeps_the_note(profile, customer, berlin):
    start = local_time(berlin, days=3, hour=16)
    request_booking(profile, start=start)

    response = signed_in(customer).post(url(profile), post(profile, start))

    assert response.status_code == 409
    shown = page_text(response)
    assert "That time was just taken — pick another." in shown
    assert "Dinner first, please." in response.content.decode()
    # The same day again, without the time that has gone.
    assert f"Choose a time on {start:%A} {start.day} {start:%B}" in shown
    assert "16:00" not in times(response)
    assert "15:00 (up to 1 hour)" in times(response)
    assert Booking.objects.filter(client=customer).count() == 0


def test_a_time_inside_the_notice_is_refused_in_words(profile, customer):
    soon = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=30)

    response = signed_in(customer).post(url(profile), post(profile, soon))

    assert response.status_code == 400
    assert "Bookings need 2 hours' notice — pick a later time." in page_text(response)


def test_a_time_outside_the_hours_is_refused_in_words(profile, customer, berlin):
    start = local_time(berlin, days=3, hour=23)

    response = signed_in(customer).post(url(profile), post(profile, start))

    assert response.status_code == 400
    assert "Outside Clara's hours" in page_text(response)


# --- Queries -------------------------------------------------------------------------


def _queries(browser: Client, path: str, day: dt.date) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(path, {"day": day.isoformat()})
    assert response.status_code == 200
    return len(queries)


def test_the_request_page_runs_the_same_queries_for_any_number_of_slots(
    profile, customer, berlin
):
    browser = signed_in(customer)
    day = local_time(berlin, days=3, hour=10).date()
    browser.get(url(profile))  # warm the session and the site root
    few = _queries(browser, url(profile), day)

    # Twice the hours every day, more rates, time off and bookings around.
    AvailabilityRule.objects.filter(profile=profile).update(start_time=dt.time(6))
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(
            profile=profile, weekday=n, start_time=dt.time(22), end_time=dt.time(3)
        )
        for n in range(7)
    )
    for minutes in (90, 180, 240):
        add_rate(profile, duration_minutes=minutes, amount_minor=minutes * 500)
    AvailabilityException.objects.create(
        profile=profile, date=day + dt.timedelta(days=1), kind="off"
    )
    for days in (2, 3, 5):
        request_booking(profile, start=local_time(berlin, days=days, hour=12))
    many = _queries(browser, url(profile), day)

    assert len(times(browser.get(url(profile), {"day": day.isoformat()}))) > 30
    assert many == few


def test_the_api_takes_and_shows_the_meeting_place_of_an_outcall(
    api_client, profile, customer, berlin, outcall
):
    api_client.force_authenticate(customer)
    start = local_time(berlin, days=3, hour=14).isoformat()

    sent = api_client.post(
        "/api/v1/bookings",
        {
            "profile": profile.pk,
            "rate": outcall.pk,
            "start": start,
            "meeting_place": "Hotel Adlon, 412",
        },
        format="json",
    )
    incall = api_client.post(
        "/api/v1/bookings",
        {
            "profile": profile.pk,
            "rate": rate_of(profile),
            "meeting_place": "Home",
            "start": local_time(berlin, days=4, hour=14).isoformat(),
        },
        format="json",
    )

    assert (sent.status_code, incall.status_code) == (201, 201)
    assert sent.json()["meeting_place"] == "Hotel Adlon, 412"
    assert incall.json()["meeting_place"] == ""
