"""The private reputation as people use it: a provider answers "How did it go?"
on a completed booking and reads the client's summary there; the client reads
what providers see of them; a provider turns screening on. Screenshots of each
page land in the test's tmp_path."""

from __future__ import annotations

import pytest

from accounts.models import Role
from bookings.models import ScreeningRequirements
from reviews.models import ClientAssessment
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked as sign_in
from tests.factories import UserFactory
from tests.factories.bookings import bookable_profile
from tests.factories.pages import EscortOwnerFactory, make_city
from tests.factories.reputation import assessed, past_booking

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_assessment_summary_and_screening(live_server, new_page, tmp_path):
    city = make_city("Lisbon", slug="lisbon-e2e", time_zone="Europe/Lisbon")
    owner = EscortOwnerFactory(display_name="Clara")
    profile = bookable_profile("Clara", city=city, owner=owner)
    client = UserFactory(role=Role.CLIENT, display_name="Max")
    for n in range(3):
        other = bookable_profile(f"Other {n}", city=city)
        assessed(other, client, would_see_again=True)
    booking = past_booking(profile, client)
    base = live_server.url

    page = new_page()
    detail = f"/dashboard/bookings/{booking.pk}/"
    sign_in(page, base, owner.email, detail)
    form = page.locator(".booking-assessment form")
    form.get_by_role("group", name="Did the client show up?").get_by_label(
        "Yes"
    ).check()
    form.get_by_role("group", name="Would you see them again?").get_by_label(
        "Yes"
    ).check()
    form.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{detail}")
    check_page(page)
    assert ClientAssessment.objects.get(booking=booking).would_see_again is True
    summary = page.locator("[data-client-reputation]")
    assert "100% of providers who assessed them" in summary.inner_text()
    page.screenshot(path=tmp_path / "booking.png", full_page=True)

    page.goto(f"{base}/dashboard/bookings/hours/{profile.pk}/screening/")
    check_page(page)
    page.get_by_label("Only clients whose identity is verified").check()
    page.get_by_role("button", name="Save screening").click()
    page.wait_for_url(f"**/dashboard/bookings/hours/{profile.pk}/screening/")
    check_page(page)
    assert ScreeningRequirements.objects.get(profile=profile).verified_only
    page.screenshot(path=tmp_path / "screening.png", full_page=True)

    mine = new_page()
    sign_in(mine, base, client.email, "/dashboard/reputation/")
    text = mine.locator("main").inner_text()
    assert "Your reputation: what providers see" in text
    assert "100%" not in text
    mine.screenshot(path=tmp_path / "own.png", full_page=True)
