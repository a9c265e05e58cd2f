"""Dashboards by role, as people use them: a client with bookings in several
states signs in, reads what is coming apart from the history, opens the
notifications, reads a human title, changes one setting and saves; the provider
signs in and reads their profile's review state and their search exposure.
Every page is checked (tests/e2e/checks.py) at both widths.

Screenshots of the pages: set DASHBOARD_SCREENSHOTS to a directory."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.services import booking_act
from messaging.services import message_send, thread_start
from notifications.models import NotificationPreference
from search.models import ProfileImpressionDaily
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked
from tests.factories.bookings import bookable_profile, client_account, local_time
from tests.factories.bookings import request_booking as book
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _shoot(page, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


def _berlin_time(moment) -> str:  # noqa: ANN001
    return moment.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %-d %b, %H:%M")


def test_client_and_provider_dashboards(live_server, new_page):
    city = make_city("Berlin", slug="berlin-dash", time_zone="Europe/Berlin")
    owner = EscortOwnerFactory(email="sofia@example.test", display_name="Sofia")
    sofia = bookable_profile("Sofia Laurent", city=city, owner=owner)
    customer = client_account(email="max@example.test", display_name="Max")
    soon = book(sofia, client=customer, start=local_time(city, days=2, hour=15))
    later = book(sofia, client=customer, start=local_time(city, days=6, hour=12))
    declined = book(sofia, client=customer, start=local_time(city, days=1, hour=11))
    cancelled = book(sofia, client=customer, start=local_time(city, days=3, hour=18))
    booking_act(booking_id=soon.pk, actor=owner, action="accept")
    booking_act(booking_id=declined.pk, actor=owner, action="decline")
    booking_act(booking_id=cancelled.pk, actor=customer, action="cancel")
    thread, _ = thread_start(client=customer, profile_id=sofia.pk, body="Hello")
    message_send(thread_id=thread.pk, sender=owner, body="Welcome, Max")
    ProfileImpressionDaily.objects.create(
        profile=sofia,
        city=city,
        day=timezone.localdate(),
        impressions=42,
        first_page=30,
        position_sum=126,
    )
    base = live_server.url

    client = new_page()
    sign_in_checked(client, base, customer.email, "/dashboard/")
    upcoming = client.locator('[data-panel="upcoming"]')
    history = client.locator('[data-panel="history"]')
    assert upcoming.get_by_role("heading").inner_text() == "Upcoming bookings"
    items = upcoming.locator("[data-booking]")
    assert [items.nth(i).get_attribute("data-booking") for i in range(2)] == [
        str(soon.pk),
        str(later.pk),
    ]
    assert history.locator(f'[data-booking="{declined.pk}"]').is_visible()
    assert history.locator(f'[data-booking="{cancelled.pk}"]').is_visible()
    assert "Declined" in history.inner_text()
    # The badge is set in capitals by the stylesheet; the words are "1 new".
    panel = client.locator('[data-panel="messages"]').inner_text()
    assert "1 new" in panel.lower()
    assert "your profile" not in client.locator("main").inner_text().lower()
    _shoot(client, "dashboard-client")

    client.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Notifications", exact=True
    ).click()
    client.wait_for_url("**/notifications/")
    check_page(client)
    accepted = f"Sofia Laurent accepted your booking for {_berlin_time(soon.start)}"
    assert client.get_by_role("link", name=accepted).is_visible()
    _shoot(client, "notifications")

    client.locator("#main").get_by_role("link", name="Notification settings").click()
    client.wait_for_url("**/notifications/settings/")
    check_page(client)
    assert client.get_by_role("group", name="Profile review decisions").count() == 0
    messages = client.get_by_role("group", name="New messages")
    messages.get_by_label("By email").uncheck()
    _shoot(client, "notification-settings")
    client.get_by_role("button", name="Save settings").click()
    client.wait_for_load_state()
    check_page(client)
    assert "Your notification settings are saved." in client.content()
    assert (
        not client.get_by_role("group", name="New messages")
        .get_by_label("By email")
        .is_checked()
    )
    saved = NotificationPreference.objects.get(user=customer, kind="message")
    assert (saved.in_app, saved.email) == (True, False)

    provider = new_page()
    sign_in_checked(provider, base, owner.email, "/dashboard/")
    profiles = provider.locator('[data-panel="profiles"]')
    assert profiles.get_by_role("heading").inner_text() == "Your profile"
    assert profiles.locator('[data-status="live"]').inner_text() == "Live"
    requests = provider.locator('[data-panel="requests"]')
    assert "1 request to answer" in requests.inner_text()
    assert requests.locator(f'[data-booking="{later.pk}"]').is_visible()
    exposure = provider.locator('[data-panel="exposure"]')
    assert exposure.locator('[data-figure="impressions"]').inner_text() == "42"
    assert exposure.locator('[data-figure="average_position"]').inner_text() == "3.0"
    _shoot(provider, "dashboard-provider")
