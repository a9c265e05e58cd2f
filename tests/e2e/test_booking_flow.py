"""Sign up -> confirm -> book with a calendar pick -> the provider accepts -> the
client sees it confirmed: the whole journey through real forms, as people use
them, with the page script (static/js/booking-calendar.js) on."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress

from bookings.models import Booking
from directory.models import ProfileRate
from tests.e2e.checks import check_page, open_menu
from tests.e2e.signin import (
    confirm_and_sign_in,
    fill_sign_up,
    open_sign_up,
    sign_in_checked,
)
from tests.factories.bookings import bookable_profile, local_time
from tests.factories.pages import EscortOwnerFactory, add_rate, make_city

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PASSWORD = "a-long-Passphrase-for-Max-42"


def sign_up_and_confirm(page, base: str, email: str) -> None:  # noqa: ANN001
    open_sign_up(page, base)
    fill_sign_up(page, email, NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    confirm_and_sign_in(page, email, NEW_PASSWORD)


def test_sign_up_book_accept_confirmed(live_server, new_page):
    city = make_city("Lisbon", country="Portugal", time_zone="Europe/Lisbon")
    owner = EscortOwnerFactory(email="ines@example.test")
    profile = bookable_profile("Ines", city=city, owner=owner)
    add_rate(profile, duration_minutes=90, kind=ProfileRate.Kind.OUTCALL)
    base = live_server.url
    day = local_time(city, days=3, hour=14)

    client = new_page()
    sign_up_and_confirm(client, base, "max@example.test")
    open_menu(client)
    assert client.get_by_role("button", name="Sign out").count() == 1
    assert EmailAddress.objects.get(email="max@example.test").verified

    client.goto(f"{base}{profile.url}")
    check_page(client)
    client.get_by_role("link", name="Request a booking", exact=True).click()
    client.wait_for_url(f"**/dashboard/bookings/request/{profile.pk}/")
    check_page(client)

    # The calendar: a day three days ahead, swapped in place by the script.
    day_link = client.locator(f'a[data-day="{day.date().isoformat()}"]')
    day_link.click()
    client.wait_for_url(f"**?day={day.date().isoformat()}")
    assert day_link.get_attribute("aria-current") == "date"
    client.locator(
        "legend", has_text=f"Choose a time on {day:%A} {day.day} {day:%B}"
    ).wait_for()
    check_page(client)
    client.get_by_label("14:00", exact=True).check()
    client.get_by_label("2 hours · Incall · 550 EUR").check()
    # Incall: no meeting place asked (an outcall rate would ask for one).
    assert client.get_by_label("Meeting place").is_hidden()
    client.get_by_label("Note for the provider").fill("See you at the hotel bar.")
    terms = client.locator(".booking-terms").inner_text()
    assert "Free cancellation until 24 hours before the start" in terms
    assert "No deposit is asked." in terms
    client.get_by_role("button", name="Send request").click()
    client.wait_for_url(re.compile(r".*/dashboard/bookings/\d+/$"))
    check_page(client)
    assert "Your request was sent" in client.content()
    assert client.locator('[data-status="requested"]').count() == 1
    assert "14:00" in client.locator("time").first.inner_text()
    booking = Booking.objects.get()
    assert (booking.client.email, booking.status) == ("max@example.test", "requested")
    assert (booking.start, booking.duration_minutes) == (day, 120)
    assert (booking.note, booking.meeting_place) == ("See you at the hotel bar.", "")

    provider = new_page()
    sign_in_checked(provider, base, owner.email, "/dashboard/bookings/")
    request = provider.locator(f'[data-booking="{booking.pk}"]')
    assert request.count() == 1
    request.get_by_role("button", name="Accept").click()
    provider.wait_for_load_state()
    check_page(provider)
    assert "Booking accepted." in provider.content()

    client.reload()
    check_page(client)
    assert client.locator('[data-status="confirmed"]').inner_text() == "Confirmed"
    booking.refresh_from_db()
    assert booking.status == "confirmed"
