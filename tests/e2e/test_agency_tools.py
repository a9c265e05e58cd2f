"""Agency tools as people use them (docs/agency-tools.md): the agency's manager
assigns a booking to a colleague with the select and Save; the colleague signs
in and finds it in "My queue"; the manager reads the staff activity. The listed
escort saves a message template (first with a blank title: the page says what
is missing), sets an away reply, then inserts the template in a conversation
and sends it. Every page is checked (tests/e2e/checks.py) at both widths.

Screenshots: set AGENCY_SCREENSHOTS to a directory."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from accounts.models import Role
from bookings.models import Booking
from core import crypto
from directory.models import Agency, AgencyEscort, AgencyMembership
from messaging.models import Message
from messaging.services import thread_start
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked as sign_in
from tests.e2e.test_messaging_flow import asgi_server  # noqa: F401 - fixture
from tests.factories import UserFactory
from tests.factories.bookings import (
    bookable_profile,
    client_account,
    local_time,
    request_booking,
)
from tests.factories.pages import EscortOwnerFactory, make_city

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TEMPLATE_TEXT = "Thank you for writing. My rates and hours are on my profile."


def _shoot(page, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("AGENCY_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


@pytest.fixture
def agency_world(db):  # noqa: ANN001, ANN201
    city = make_city("Vienna", slug="vienna-tools", time_zone="Europe/Vienna")
    agency = Agency.objects.create(name="Velvet Rooms", slug="velvet-rooms")
    marta = UserFactory(
        role=Role.AGENCY, email="marta@example.test", display_name="Marta"
    )
    sofia = UserFactory(
        role=Role.AGENCY, email="sofia@example.test", display_name="Sofia"
    )
    AgencyMembership.objects.create(agency=agency, user=marta, role="owner")
    AgencyMembership.objects.create(agency=agency, user=sofia, role="manager")
    nora = EscortOwnerFactory(email="nora@example.test", display_name="Nora")
    AgencyEscort.objects.create(agency=agency, escort=nora, consented_at=timezone.now())
    profile = bookable_profile("Nora Vale", city=city, owner=nora)
    profile.agency = agency
    profile.save(update_fields=["agency"])
    customer = client_account(email="theo@example.test", display_name="Theo")
    booking = request_booking(
        profile, client=customer, start=local_time(city, days=2, hour=15)
    )
    thread, _ = thread_start(client=customer, profile_id=profile.pk, body="Hello!")
    return {
        "marta": marta,
        "sofia": sofia,
        "nora": nora,
        "booking": booking,
        "thread": thread,
    }


def test_assign_a_booking_and_find_it_in_my_queue(
    asgi_server,  # noqa: F811 - the fixture imported above
    new_page,
    agency_world,
):
    base, booking = asgi_server, agency_world["booking"]
    manager = new_page()
    sign_in(manager, base, "marta@example.test", f"/dashboard/bookings/{booking.pk}/")
    manager.get_by_label("Staff member handling this booking").select_option(
        label="Sofia"
    )
    manager.get_by_role("button", name="Save", exact=True).click()
    manager.wait_for_selector("text=Assigned to Sofia.")
    check_page(manager)
    _shoot(manager, "booking-assigned")
    assert Booking.objects.get(pk=booking.pk).assigned_to == agency_world["sofia"]

    manager.goto(f"{base}/dashboard/agency/activity/?days=7")
    check_page(manager)
    assert manager.locator(f'tr[data-staff="{agency_world["sofia"].pk}"]').count()
    _shoot(manager, "staff-activity")

    colleague = new_page()
    sign_in(colleague, base, "sofia@example.test", "/dashboard/bookings/")
    colleague.get_by_role("link", name="My queue").click()
    colleague.wait_for_url("**/dashboard/bookings/?assigned=me")
    check_page(colleague)
    queue = colleague.locator('[data-section="queue"]')
    assert queue.locator(f'[data-booking="{booking.pk}"]').count() == 1
    assert "Theo" in queue.inner_text()
    _shoot(colleague, "my-queue")


def test_an_escort_writes_a_template_and_sends_it(
    asgi_server,  # noqa: F811 - the fixture imported above
    new_page,
    agency_world,
):
    base, thread = asgi_server, agency_world["thread"]
    page = new_page()
    sign_in(page, base, "nora@example.test", "/messages/templates/")
    page.get_by_label("Text").fill(TEMPLATE_TEXT)
    page.get_by_role("button", name="Save template").click()
    page.wait_for_selector("text=Give the template a title.")
    check_page(page)
    _shoot(page, "template-error")
    assert page.get_by_label("Text").input_value() == TEMPLATE_TEXT
    page.get_by_label("Title").fill("Welcome")
    page.get_by_role("button", name="Save template").click()
    page.wait_for_selector("text=Template saved.")
    check_page(page)
    _shoot(page, "templates")

    page.goto(f"{base}/messages/away/")
    check_page(page)
    page.get_by_label("Send an automatic reply").check()
    page.get_by_label("Reply", exact=True).fill("Away until Monday.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Away reply saved.")
    check_page(page)
    _shoot(page, "away")

    page.goto(f"{base}/messages/{thread.pk}/")
    check_page(page)
    page.get_by_label("Use a template").select_option(label="Welcome")
    page.get_by_role("button", name="Insert").click()
    assert page.get_by_label("Your message").input_value() == TEMPLATE_TEXT
    _shoot(page, "composer")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector(f"text={TEMPLATE_TEXT}")
    check_page(page)
    sent = Message.objects.filter(thread=thread, sender=agency_world["nora"]).last()
    assert crypto.decrypt(sent.body_encrypted) == TEMPLATE_TEXT
