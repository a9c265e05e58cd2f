"""A visitor's browser reports what they did on a profile (docs/analytics.md):
the page view is counted by the server, opening a photo and pressing a contact
button by beacons from static/js/profile-events.js — each once, however often
it happens, and all three reach ProfileDay after the flush."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from analytics.flush import profile_events_flush
from analytics.models import ProfileDay
from tests.e2e.checks import check_page
from tests.factories.bookings import bookable_profile
from tests.factories.pages import CustomImageFactory, add_photo, jpeg_bytes, make_city

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Chromium's headless user agent says "HeadlessChrome", which crawlerdetect
# rightly takes for automation: the journey presents itself as a person's browser.
PERSON = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
EVENTS = "/api/v1/analytics/events"


def _profile():  # noqa: ANN202
    city = make_city("Porto", slug="porto-events-e2e", time_zone="Europe/Lisbon")
    profile = bookable_profile("Marta", city=city, min_notice_minutes=0)
    for n, colour in enumerate(("#7a2946", "#2b4a6f")):
        image = CustomImageFactory(
            file=ContentFile(jpeg_bytes((600, 750), colour), name="portrait.jpg")
        )
        add_photo(profile, image=image, is_primary=n == 0, caption=f"Look {n + 1}")
    return profile


def _shoot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    """EVENTS_SCREENSHOTS=<folder>: full-page shots at this width, to look at."""
    folder = os.environ.get("EVENTS_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}-{viewport['width']}.png", full_page=True)


def _figures_once_arrived(profile) -> tuple[int, int, int]:  # noqa: ANN001
    """The figures after the flush, once the contact beacon (sent while the page
    navigated away) has arrived: a few short polls, never a fixed sleep."""
    figures = (0, 0, 0)
    for _ in range(50):
        profile_events_flush()
        row = ProfileDay.objects.filter(profile=profile, day=timezone.localdate())
        figures = row.values_list("views", "gallery_opens", "contact_clicks").first()
        if figures and figures[2]:
            return figures
        time.sleep(0.1)
    return figures


def test_a_visit_with_photos_and_a_contact_click_is_counted_once_each(
    live_server, new_page, viewport
):
    profile = _profile()
    page = new_page()
    page.context.set_extra_http_headers({"User-Agent": PERSON})
    page.goto(f"{live_server.url}{profile.url}")
    check_page(page)
    _shoot(page, "profile", viewport)

    # Opening a photo sends one beacon; opening it again sends none.
    photo = page.locator("[data-lightbox-item]").nth(1)
    with page.expect_response(lambda r: EVENTS in r.url) as beacon:
        photo.click()
    assert beacon.value.status == 202
    dialog = page.get_by_role("dialog", name="Photos of Marta")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    photo.click()
    page.keyboard.press("Escape")

    # The contact button: a beacon (it outlives the page, so the journey does
    # not wait on it here), and the link still leads where it did.
    page.locator("[data-profile-contact]:visible").first.click()
    page.wait_for_url("**/accounts/login/**")
    assert "/accounts/login/" in page.url  # signed out: asked to sign in first
    check_page(page)

    # A second visit the same day adds nothing.
    page.goto(f"{live_server.url}{profile.url}")
    check_page(page)

    assert _figures_once_arrived(profile) == (1, 1, 1)


def test_a_headless_browser_is_not_a_visitor(live_server, new_page):
    profile = _profile()
    page = new_page()
    page.goto(f"{live_server.url}{profile.url}")  # "HeadlessChrome"
    check_page(page)

    profile_events_flush()
    assert not ProfileDay.objects.filter(profile=profile).exists()
