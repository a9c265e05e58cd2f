"""The ``deposits`` feature switch: off, new bookings ask for no deposit even
when the provider's policy sets one (accepted -> confirmed, no payment step),
the request form says so, and bookings that already owe or hold a deposit keep
it."""

from __future__ import annotations

import pytest
from django.test import Client

from bookings.deposits import deposit_state
from bookings.models import Booking
from tests.bookings.conftest import DEPOSIT_PERCENT, due_booking
from tests.factories.bookings import local_time, request_booking
from tests.factories.switches import switches_set

pytestmark = pytest.mark.django_db
S = Booking.Status


def test_a_new_booking_asks_no_deposit_while_switched_off(
    deposit_profile, deposit_client, deposit_owner
):
    assert deposit_profile.booking_policy.deposit_percent == DEPOSIT_PERCENT
    switches_set(deposits=False)
    booking = due_booking(deposit_profile, deposit_client, deposit_owner)
    assert booking.deposit_minor == 0
    assert booking.status == S.CONFIRMED  # accepted straight to confirmed
    assert deposit_state(booking=booking) == "none"


def test_deposits_come_back_when_switched_on(
    deposit_profile, deposit_client, deposit_owner
):
    switches_set(deposits=False)
    switches_set(deposits=True)
    booking = due_booking(deposit_profile, deposit_client, deposit_owner)
    assert booking.deposit_minor == 6000  # 20 % of 300 EUR
    assert booking.status == S.DEPOSIT_DUE


def test_bookings_that_owe_a_deposit_keep_it(
    booking_due, deposit_profile, deposit_client, deposit_owner
):
    requested = request_booking(
        deposit_profile,
        start=local_time(deposit_profile.home_city, days=5, hour=11),
        client=deposit_client,
    )
    switches_set(deposits=False)
    booking_due.refresh_from_db()
    requested.refresh_from_db()
    assert booking_due.deposit_minor == 6000
    assert booking_due.status == S.DEPOSIT_DUE
    assert deposit_state(booking=booking_due) == "due"
    # A request sent while deposits were on still owes its deposit on acceptance.
    assert requested.deposit_minor == 6000


def test_the_request_form_says_no_deposit_is_asked(deposit_profile, deposit_client):
    switches_set(deposits=False)
    browser = Client()
    browser.force_login(deposit_client)
    html = browser.get(f"/dashboard/bookings/request/{deposit_profile.pk}/")
    text = html.content.decode()
    assert html.status_code == 200
    assert "No deposit is asked." in text
    assert "A deposit of" not in text
