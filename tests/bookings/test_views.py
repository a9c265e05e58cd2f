"""The bookings pages: the request form on its own page, both sides' dashboards,
a booking's page and its POST moves. Same services as the API, so these tests
check what the HTML adds: local times, status codes, 404s, CSRF, query counts."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from bookings.models import Booking
from bookings.services import booking_act
from tests.factories.bookings import (
    bookable_profile,
    client_account,
    local_time,
    rate_of,
    request_booking,
)
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = pytest.mark.django_db

S = Booking.Status
DASHBOARD = "/dashboard/bookings/"
TIME = re.compile(r'<label class="booking-time">(.*?)</label>', re.S)
SLOT_VALUE = re.compile(r'name="slot" value="([^"]+)"')


@pytest.fixture
def berlin():
    return make_city("Berlin", slug="berlin-views")


@pytest.fixture
def provider():
    return EscortOwnerFactory(display_name="Clara")


@pytest.fixture
def profile(berlin, provider):
    return bookable_profile("Clara", city=berlin, owner=provider)


@pytest.fixture
def customer():
    return client_account(display_name="Max")


def request_url(profile) -> str:  # noqa: ANN001
    return f"/dashboard/bookings/request/{profile.pk}/"


def signed_in(user, *, csrf: bool = False) -> Client:  # noqa: ANN001
    browser = Client(enforce_csrf_checks=csrf)
    browser.force_login(user)
    return browser


def form_data(profile, start: dt.datetime, minutes: int = 60, **extra) -> dict:  # noqa: ANN001
    return {
        "slot": start.astimezone(dt.UTC).isoformat(),
        "rate": rate_of(profile, minutes),
        "note": "Dinner first, please.",
        "form_id": "form-1",
        **extra,
    }


def options(response) -> dict[str, str]:  # noqa: ANN001
    """The chosen day's free times: radio value (UTC) -> label as read."""
    return {
        SLOT_VALUE.search(label)[1]: html.unescape(re.sub(r"<[^>]+>", "", label))
        .strip()
        .replace("  ", " ")
        for label in TIME.findall(response.content.decode())
    }


# --- The request page ----------------------------------------------------------


def test_the_request_page_lists_free_times_in_the_city_time(profile, customer, berlin):
    ten = local_time(berlin, days=2, hour=10)
    response = signed_in(customer).get(
        request_url(profile), {"day": ten.date().isoformat()}
    )

    assert response.status_code == 200
    free = options(response)
    # The value is the instant in UTC; the label is the wall clock in Berlin.
    assert free[ten.astimezone(dt.UTC).isoformat()] == "10:00"
    nine_pm = local_time(berlin, days=2, hour=21)
    assert free[nine_pm.astimezone(dt.UTC).isoformat()] == "21:00 (up to 1 hour)"
    late = local_time(berlin, days=2, hour=21, minute=30)
    assert late.astimezone(dt.UTC).isoformat() not in free  # no rate fits any more
    body = response.content.decode()
    assert f"2. Choose a time on {ten:%A} {ten.day} {ten:%B}</legend>" in body
    assert "Local time in Berlin (Europe/Berlin)." in body
    assert "1 hour · Incall · 300 EUR" in body and "2 hours · Incall · 550 EUR" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_posting_a_time_creates_the_request_and_shows_it(profile, customer, berlin):
    start = local_time(berlin, days=3, hour=14)
    browser = signed_in(customer)

    response = browser.post(request_url(profile), form_data(profile, start, 120))

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/bookings/{booking.pk}/"
    assert (booking.client, booking.profile_id, booking.start) == (
        customer,
        profile.pk,
        start,
    )
    assert booking.duration_minutes == 120 and booking.price_minor == 55000
    assert booking.note == "Dinner first, please." and booking.status == S.REQUESTED
    page = browser.get(response["Location"]).content.decode()
    assert "Your request was sent to the provider." in page
    assert 'data-status="requested"' in page
    assert re.search(
        r"14:00–16:00 CES?T</time> <span class=\"tz\">\(Europe/Berlin\)", page
    )


def test_sending_the_same_form_twice_keeps_one_booking(profile, customer, berlin):
    start = local_time(berlin, days=3, hour=14)
    browser = signed_in(customer)

    first = browser.post(request_url(profile), form_data(profile, start))
    again = browser.post(request_url(profile), form_data(profile, start))
    # The same form sent back for another time is a new request.
    later = start + dt.timedelta(hours=3)
    other = browser.post(request_url(profile), form_data(profile, later))
    # Without the form's id there is no replay protection, but it still works.
    bare = form_data(profile, start + dt.timedelta(hours=5), form_id="")
    plain = browser.post(request_url(profile), bare)

    assert first["Location"] == again["Location"]
    assert len({first["Location"], other["Location"], plain["Location"]}) == 3
    assert Booking.objects.count() == 3


def test_a_taken_time_answers_409_and_writes_nothing(profile, customer, berlin):
    start = local_time(berlin, days=3, hour=16)
    taken = request_booking(profile, start=start)

    response = signed_in(customer).post(request_url(profile), form_data(profile, start))

    assert response.status_code == 409
    assert "That time was just taken — pick another." in response.content.decode()
    assert list(Booking.objects.values_list("pk", flat=True)) == [taken.pk]
    # The form comes back without the time that has gone.
    assert start.astimezone(dt.UTC).isoformat() not in options(response)
    assert options(response)  # other times are still offered


def test_a_time_outside_the_hours_answers_400(profile, customer, berlin):
    start = local_time(berlin, days=3, hour=23)

    response = signed_in(customer).post(request_url(profile), form_data(profile, start))

    assert response.status_code == 400
    assert "Outside Clara&#x27;s hours" in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("slot", ["", "tomorrow", "2030-01-01T12:00:00"])
def test_a_bad_time_answers_400(profile, customer, berlin, slot):
    data = form_data(profile, local_time(berlin, days=3, hour=14), slot=slot)

    response = signed_in(customer).post(request_url(profile), data)

    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_a_provider_cannot_request_and_is_told_why(profile, berlin):
    other = EscortOwnerFactory()
    browser = signed_in(other)

    page = browser.get(request_url(profile)).content.decode()
    response = browser.post(
        request_url(profile), form_data(profile, local_time(berlin, days=3, hour=14))
    )

    assert "Only client accounts can request bookings." in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, profile, berlin):
    page = client.get(request_url(profile))
    post = client.post(
        request_url(profile), form_data(profile, local_time(berlin, days=3, hour=14))
    )

    assert page.status_code == 302
    assert page["Location"] == f"/accounts/login/?next={request_url(profile)}"
    assert post.status_code == 302 and not Booking.objects.exists()


def test_the_profile_page_links_each_visitor_to_their_next_step(
    client, profile, provider, customer
):
    anonymous = client.get(profile.url).content.decode()
    as_client = signed_in(customer).get(profile.url).content.decode()
    as_owner = signed_in(provider).get(profile.url).content.decode()

    # The profile page's booking bar: sign in, then straight to the request form.
    assert (
        f'href="/accounts/login/?next={request_url(profile)}">Request a booking<'
        in (anonymous)
    )
    assert f'href="{request_url(profile)}">Request a booking<' in as_client
    assert f'href="{DASHBOARD}">See your booking requests<' in as_owner
    assert "not available yet" not in anonymous


# --- Dashboards -------------------------------------------------------------------


def test_a_client_sees_their_own_bookings_only(profile, customer, berlin):
    mine = request_booking(
        profile, start=local_time(berlin, days=2, hour=12), client=customer
    )
    theirs = request_booking(profile, start=local_time(berlin, days=2, hour=15))

    page = signed_in(customer).get(DASHBOARD).content.decode()

    assert f'href="/dashboard/bookings/{mine.pk}/"' in page
    assert f'href="/dashboard/bookings/{theirs.pk}/"' not in page
    assert "Requests waiting for your answer" not in page  # no provider sections


def test_the_provider_accepts_from_the_inbox(profile, provider, customer, berlin):
    booking = request_booking(
        profile, start=local_time(berlin, days=2, hour=12), client=customer
    )
    browser = signed_in(provider)
    inbox = browser.get(DASHBOARD).content.decode()
    assert f'action="/dashboard/bookings/{booking.pk}/accept/"' in inbox
    assert customer.email not in inbox and "Max" in inbox

    response = browser.post(
        f"/dashboard/bookings/{booking.pk}/accept/", {"next": DASHBOARD}
    )

    assert response.status_code == 302 and response["Location"] == DASHBOARD
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    after = browser.get(DASHBOARD).content.decode()
    assert "Booking accepted." in after
    calendar = after.split('id="calendar-heading"')[1].split('id="history-heading"')[0]
    assert f"/dashboard/bookings/{booking.pk}/" in calendar


def test_a_decline_keeps_its_reason_in_the_history(profile, provider, berlin):
    booking = request_booking(profile, start=local_time(berlin, days=2, hour=12))
    browser = signed_in(provider)

    browser.post(
        f"/dashboard/bookings/{booking.pk}/decline/", {"reason": "Travelling that day."}
    )

    booking.refresh_from_db()
    assert booking.status == S.DECLINED
    page = browser.get(f"/dashboard/bookings/{booking.pk}/").content.decode()
    assert "<strong>Declined</strong> by the provider — Travelling that day." in page


def test_the_detail_offers_only_the_moves_of_the_users_side(
    profile, provider, customer, berlin
):
    booking = request_booking(
        profile, start=local_time(berlin, days=2, hour=12), client=customer
    )
    url = f"/dashboard/bookings/{booking.pk}/"

    as_client = signed_in(customer).get(url).content.decode()
    as_provider = signed_in(provider).get(url).content.decode()

    assert f'action="{url}cancel/"' in as_client
    assert f'action="{url}accept/"' not in as_client
    assert f'action="{url}accept/"' in as_provider
    assert f'action="{url}decline/"' in as_provider


def test_a_move_the_side_may_not_make_is_refused_with_its_message(
    profile, customer, berlin
):
    booking = request_booking(
        profile, start=local_time(berlin, days=2, hour=12), client=customer
    )

    response = signed_in(customer).post(f"/dashboard/bookings/{booking.pk}/accept/")

    assert response.status_code == 403
    assert "Only the provider can do this." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED


def test_a_move_the_status_does_not_allow_answers_409(profile, provider, berlin):
    booking = request_booking(profile, start=local_time(berlin, days=2, hour=12))
    booking_act(booking_id=booking.pk, actor=provider, action="decline")

    response = signed_in(provider).post(f"/dashboard/bookings/{booking.pk}/accept/")

    assert response.status_code == 409
    assert "cannot be accepted" in response.content.decode()


def test_a_stranger_gets_404_on_the_booking_and_its_moves(profile, berlin):
    booking = request_booking(profile, start=local_time(berlin, days=2, hour=12))
    stranger = signed_in(client_account())
    other_provider = signed_in(EscortOwnerFactory())

    for browser in (stranger, other_provider):
        assert browser.get(f"/dashboard/bookings/{booking.pk}/").status_code == 404
        for action in ("accept", "cancel"):
            url = f"/dashboard/bookings/{booking.pk}/{action}/"
            assert browser.post(url).status_code == 404
    assert (
        signed_in(client_account()).get("/dashboard/bookings/999999/").status_code
        == 404
    )
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED


def test_an_unknown_move_is_404(profile, provider, berlin):
    booking = request_booking(profile, start=local_time(berlin, days=2, hour=12))

    response = signed_in(provider).post(f"/dashboard/bookings/{booking.pk}/reschedule/")

    assert response.status_code == 404


def test_the_next_address_never_leaves_the_site(profile, provider, berlin):
    booking = request_booking(profile, start=local_time(berlin, days=2, hour=12))

    response = signed_in(provider).post(
        f"/dashboard/bookings/{booking.pk}/accept/", {"next": "https://evil.test/"}
    )

    assert response["Location"] == f"/dashboard/bookings/{booking.pk}/"


# --- CSRF and query counts ----------------------------------------------------------


def test_posts_without_a_csrf_token_are_refused(profile, provider, customer, berlin):
    booking = request_booking(profile, start=local_time(berlin, days=2, hour=12))
    start = local_time(berlin, days=3, hour=14)

    request = signed_in(customer, csrf=True).post(
        request_url(profile), form_data(profile, start)
    )
    accept = signed_in(provider, csrf=True).post(
        f"/dashboard/bookings/{booking.pk}/accept/"
    )

    assert (request.status_code, accept.status_code) == (403, 403)
    booking.refresh_from_db()
    assert booking.status == S.REQUESTED
    assert Booking.objects.count() == 1


def _bookings(profile, customer, berlin, count: int, *, first_day: int = 1) -> None:  # noqa: ANN001
    """``count`` bookings for ``customer``, one a day: requested, confirmed and
    declined in turn, so every section of both dashboards has rows."""
    for offset in range(count):
        booking = request_booking(
            profile,
            start=local_time(berlin, days=first_day + offset, hour=12),
            client=customer,
        )
        if offset % 3:
            action = "accept" if offset % 3 == 1 else "decline"
            booking_act(booking_id=booking.pk, actor=profile.owner, action=action)


@pytest.mark.parametrize("side", ["provider", "client"])
def test_the_dashboard_costs_the_same_queries_for_2_or_8_bookings(
    profile, provider, customer, berlin, django_assert_max_num_queries, side
):
    browser = signed_in(provider if side == "provider" else customer)
    _bookings(profile, customer, berlin, 2)
    with django_assert_max_num_queries(15) as few:
        small = browser.get(DASHBOARD)

    _bookings(profile, customer, berlin, 6, first_day=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = browser.get(DASHBOARD)

    assert small.status_code == large.status_code == 200
    links = re.findall(r'href="/dashboard/bookings/(\d+)/"', large.content.decode())
    assert len(set(links)) == 8  # each booking shows in one of the sections
