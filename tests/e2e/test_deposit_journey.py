"""A client books a deposit profile, the provider accepts, the client pays the
deposit with test card 4242 4242 4242 4242 typed into the Stripe.js form
(localstripe's), sees the confirmation; the provider sees the booking
confirmed and the deposit held. The card goes from the browser to the
gateway; our server sees a payment method id only."""

from __future__ import annotations

import os
import re

import pytest

from bookings.models import Booking
from payments import ledger
from payments.models import Payment
from payments.selectors import account_balance
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked
from tests.factories.bookings import bookable_profile, client_account, local_time
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
# PAYMENT_SCREENSHOTS=<dir> saves the pages for a person to look at.
SHOTS_DIR = os.environ.get("PAYMENT_SCREENSHOTS", "")


def shot(page, name: str) -> None:  # noqa: ANN001 - a Playwright Page
    if SHOTS_DIR:
        page.screenshot(path=f"{SHOTS_DIR}/deposit-{name}.png", full_page=True)


def test_book_accept_pay_deposit_confirmed(
    live_server, new_page, stripe_local, viewport
):
    city = make_city("Vienna", country="Austria", time_zone="Europe/Vienna")
    owner = EscortOwnerFactory(email="nora@example.test")
    profile = bookable_profile("Nora", city=city, owner=owner, deposit_percent=20)
    client_user = client_account(email="theo@example.test", display_name="Theo")
    base = live_server.url
    day = local_time(city, days=3, hour=14)
    width = viewport["width"]

    client = new_page()
    sign_in_checked(client, base, client_user.email, profile.url)
    client.get_by_role("link", name="Request a booking", exact=True).click()
    client.wait_for_url(f"**/dashboard/bookings/request/{profile.pk}/")
    check_page(client)
    client.locator(f'a[data-day="{day.date().isoformat()}"]').click()
    client.wait_for_url(f"**?day={day.date().isoformat()}")
    client.locator(
        "legend", has_text=f"Choose a time on {day:%A} {day.day} {day:%B}"
    ).wait_for()
    check_page(client)
    client.get_by_label("14:00", exact=True).check()
    client.get_by_label("2 hours · Incall · 550 EUR").check()
    client.get_by_role("button", name="Send request").click()
    client.wait_for_url(re.compile(r".*/dashboard/bookings/\d+/$"))
    check_page(client)
    booking = Booking.objects.get()
    assert (booking.status, booking.deposit_minor) == ("requested", 11000)

    provider = new_page()
    sign_in_checked(provider, base, owner.email, "/dashboard/bookings/")
    provider.locator(f'[data-booking="{booking.pk}"]').get_by_role(
        "button", name="Accept"
    ).click()
    provider.wait_for_load_state()
    check_page(provider)

    client.reload()
    check_page(client)
    assert client.locator('[data-status="deposit_due"]').inner_text() == "Deposit due"
    client.get_by_role("link", name="Pay deposit").click()
    client.wait_for_url(f"**/bookings/{booking.pk}/deposit/")
    client.get_by_label("Card number").wait_for()
    check_page(client)
    assert client.locator("[data-deposit-amount]").inner_text() == "110 EUR"
    assert "Cancel more than 24 hours before the start" in client.content()
    client.get_by_label("Card number").press_sequentially(
        "4242 4242 4242 4242".replace(" ", "")
    )
    client.get_by_label("Expiry month (MM)").press_sequentially("12")
    client.get_by_label("Expiry year (YY)").press_sequentially("30")
    client.get_by_label("Security code (CVC)").press_sequentially("123")
    client.get_by_label("Postcode").press_sequentially("1010")
    shot(client, f"{width}-pay")
    client.get_by_role("button", name="Pay 110 EUR").click()
    client.wait_for_url(f"**/bookings/{booking.pk}/deposit/return/")
    check_page(client)
    shot(client, f"{width}-paid")
    assert client.get_by_role("heading", name="Deposit paid").count() == 1
    assert client.locator('[data-status="confirmed"]').count() == 1

    payment = Payment.objects.get()
    assert (payment.status, payment.amount_minor) == ("succeeded", 11000)
    assert account_balance(account=ledger.DEPOSITS_HELD, currency="EUR") == -11000
    booking.refresh_from_db()
    assert booking.status == "confirmed"

    provider.goto(f"{base}/dashboard/bookings/{booking.pk}/")
    check_page(provider)
    shot(provider, f"{width}-provider")
    assert provider.locator('[data-status="confirmed"]').inner_text() == "Confirmed"
    held = provider.locator('[data-deposit-state="held"]')
    assert held.inner_text() == "Deposit held: 110 EUR"
