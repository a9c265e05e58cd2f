"""A client requests a time from the profile page; the provider accepts it from
the bookings dashboard; the client's booking page shows it confirmed. Plain
HTML forms all the way, no JavaScript of ours."""

from __future__ import annotations

import re

import pytest

from bookings.models import Booking
from tests.e2e.test_profile_review import sign_in
from tests.factories.bookings import bookable_profile, client_account
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_request_accept_confirmed(live_server, new_page):
    city = make_city("Lisbon", country="Portugal", time_zone="Europe/Lisbon")
    owner = EscortOwnerFactory(email="ines@example.test")
    profile = bookable_profile("Ines", city=city, owner=owner)
    customer = client_account(email="max@example.test", display_name="Max")
    base = live_server.url

    client = new_page()
    sign_in(client, base, customer.email, profile.url)
    client.get_by_role("link", name="Request a booking", exact=True).click()
    client.wait_for_url(f"**/dashboard/bookings/request/{profile.pk}/")
    time_select = client.get_by_label("Time", exact=True)
    # The second day's first time: always past the two hours' notice.
    chosen = time_select.locator("optgroup").nth(1).locator("option").first
    chosen_label = chosen.inner_text()
    time_select.select_option(value=chosen.get_attribute("value"))
    client.get_by_label("1 hour · Incall · 300 EUR").check()
    client.get_by_label("Note for the provider").fill("See you at the hotel bar.")
    client.get_by_role("button", name="Send request").click()
    client.wait_for_url(re.compile(r".*/dashboard/bookings/\d+/$"))
    assert "Your request was sent" in client.content()
    assert client.locator('[data-status="requested"]').count() == 1
    assert chosen_label.split()[0] in client.locator("time").first.inner_text()
    booking = Booking.objects.get()
    assert (booking.client_id, booking.status) == (customer.pk, "requested")

    provider = new_page()
    sign_in(provider, base, owner.email, "/dashboard/bookings/")
    request = provider.locator(f'[data-booking="{booking.pk}"]')
    assert "Max" in request.inner_text()
    request.get_by_role("button", name="Accept").click()
    provider.wait_for_load_state()
    assert "Booking accepted." in provider.content()

    client.reload()
    assert client.locator('[data-status="confirmed"]').inner_text() == "Confirmed"
    booking.refresh_from_db()
    assert booking.status == "confirmed"
