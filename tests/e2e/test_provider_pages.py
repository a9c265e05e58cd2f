"""A provider's own pages, as a provider uses them: from the dashboard to the
hours editor (Monday's hours changed, a day off added), then the profile editor
(bio text, a language chip, a photo moved earlier), saved for review."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

import pytest
from django.utils import timezone

from bookings.models import AvailabilityException, AvailabilityRule
from directory.models import EscortProfilePage
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked
from tests.factories.bookings import bookable_profile
from tests.factories.pages import (
    EscortOwnerFactory,
    add_photo,
    language,
    make_city,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_BIO = "Opera nights and slow breakfasts.\n\nHappy to travel."
# Set E2E_SCREENSHOTS=/tmp to keep full-page screenshots of the editors.
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def shot(page, name: str) -> None:  # noqa: ANN001
    if SCREENSHOTS:
        width = page.viewport_size["width"]
        page.screenshot(
            path=f"{SCREENSHOTS}/editors-{name}-{width}.png", full_page=True
        )


def test_provider_edits_hours_and_profile(live_server, new_page):
    city = make_city(
        "Lyon", slug="lyon-e2e", country="France", time_zone="Europe/Paris"
    )
    owner = EscortOwnerFactory(email="camille@example.test")
    profile = bookable_profile("Camille", city=city, owner=owner)
    for letter in "ABC":
        add_photo(profile, caption=f"Photo {letter}", is_primary=letter == "A")
    language("en", "English")
    language("fr", "French")
    profile.save_revision(user=owner).publish()
    first, second, third = (p.image_id for p in profile.photos.order_by("sort_order"))
    zone = zoneinfo.ZoneInfo(city.time_zone)
    day_off = timezone.now().astimezone(zone).date() + dt.timedelta(days=9)
    base = live_server.url

    page = new_page()
    sign_in_checked(page, base, owner.email, "/dashboard/")

    # Hours: from the dashboard's link, Monday 09:00-17:00 and a day off.
    page.get_by_role("link", name="Hours and booking policy", exact=True).click()
    page.wait_for_url(f"**/dashboard/bookings/hours/{profile.pk}/")
    check_page(page)
    assert "Europe/Paris" in page.locator("main").inner_text()
    page.get_by_label("Monday from", exact=True).fill("09:00")
    page.get_by_label("Monday until", exact=True).fill("17:00")
    page.get_by_role("button", name="Save weekly hours").click()
    page.wait_for_load_state()
    check_page(page)
    assert "Weekly hours saved." in page.locator("main").inner_text()
    shot(page, "schedule")

    page.get_by_label("Date").fill(day_off.isoformat())
    page.get_by_label("Time off").check()
    # From/until left blank: the whole day.
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state()
    check_page(page)
    text = page.locator("main").inner_text()
    assert f"Time off on {day_off:%A} {day_off.day} {day_off:%B %Y} saved." in text
    assert page.locator("[data-exception]").count() == 1

    assert (0, dt.time(9), dt.time(17)) in AvailabilityRule.objects.filter(
        profile=profile
    ).values_list("weekday", "start_time", "end_time")
    assert AvailabilityException.objects.filter(
        profile=profile, date=day_off, kind="off", start_time=None
    ).exists()

    # Profile: bio as text, a language chip, a photo moved earlier.
    page.get_by_role("link", name="Back to your dashboard").click()
    page.wait_for_url("**/dashboard/")
    check_page(page)
    page.get_by_role("link", name="Edit my profile").click()
    page.wait_for_url("**/dashboard/profile/")
    check_page(page)
    bio = page.get_by_label("Bio")
    assert "<p>" not in bio.input_value()
    bio.fill(NEW_BIO)
    page.get_by_label("French").check()
    page.get_by_role("button", name="Move earlier (Photo B)").click()
    assert page.get_by_label("Position of Photo B").input_value() == "1"
    shot(page, "profile")
    # Preview (a new tab): the public template with these unsaved changes.
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview").click()
    preview = opened.value
    preview.wait_for_load_state()
    check_page(preview)
    assert "Preview — not live" in preview.locator("main").inner_text()
    assert "Opera nights and slow breakfasts." in preview.locator("main").inner_text()
    shot(preview, "preview")
    preview.close()
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_url("**/dashboard/")
    check_page(page)
    assert "submitted for review" in page.locator("main").inner_text()

    draft = EscortProfilePage.objects.get(pk=profile.pk).get_latest_revision_as_object()
    assert (
        draft.bio == "<p>Opera nights and slow breakfasts.</p><p>Happy to travel.</p>"
    )
    assert "fr" in {lang.code for lang in draft.languages.all()}
    assert [p.image_id for p in draft.photos.all()] == [second, first, third]
    live = EscortProfilePage.objects.get(pk=profile.pk)
    assert live.current_workflow_state.status == "in_progress"
