"""A visitor opens a profile, looks through the photos in the lightbox (click,
arrow key, next button, swipe, Escape), reads the 14-day calendar, and finds the
booking button still on screen at the bottom of the page (phone: the bar fixed to
the bottom; desktop: the sticky card)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from tests.e2e.checks import check_page
from tests.factories.bookings import bookable_profile
from tests.factories.pages import (
    CustomImageFactory,
    add_photo,
    jpeg_bytes,
    make_city,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COLOURS = ("#7a2946", "#2b4a6f", "#c9a227")


def _profile():  # noqa: ANN202
    city = make_city("Lisbon", country="Portugal", time_zone="Europe/Lisbon")
    profile = bookable_profile("Ines", city=city, min_notice_minutes=0)
    for n, colour in enumerate(COLOURS):
        image = CustomImageFactory(
            file=ContentFile(jpeg_bytes((600, 750), colour), name="portrait.jpg")
        )
        add_photo(profile, image=image, is_primary=n == 0, caption=f"Look {n + 1}")
    return profile


def test_profile_gallery_calendar_and_booking_button(live_server, new_page, viewport):
    profile = _profile()
    page = new_page()
    page.goto(f"{live_server.url}{profile.url}")
    check_page(page)

    # The lightbox: opened by clicking the second photo.
    page.locator("[data-lightbox-item]").nth(1).click()
    dialog = page.get_by_role("dialog", name="Photos of Ines")
    expect(dialog).to_be_visible()
    counter = dialog.locator("[data-lightbox-counter]")
    image = dialog.locator("[data-lightbox-image]")
    expect(counter).to_have_text("2 of 3")
    expect(dialog.get_by_text("Look 2")).to_be_visible()
    check_page(page)  # axe over the open dialog
    second = image.get_attribute("src")

    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("3 of 3")
    assert image.get_attribute("src") != second
    dialog.get_by_role("button", name="Next photo").click()
    expect(counter).to_have_text("1 of 3")  # wraps round
    dialog.get_by_role("button", name="Previous photo").click()
    expect(counter).to_have_text("3 of 3")

    # A swipe to the left moves on (pointer events; the mouse makes them too).
    box = dialog.locator("[data-lightbox-stage]").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.8, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.2, y, steps=5)
    page.mouse.up()
    expect(counter).to_have_text("1 of 3")

    # Focus stays inside the dialog.
    for _ in range(5):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('dialog') !== null"), (
            "focus left the dialog"
        )

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate(
        "document.activeElement === document.querySelectorAll("
        "'[data-lightbox-item]')[1]"
    ), "focus did not return to the photo that opened the lightbox"

    # The calendar: 14 days, with real free times from tomorrow on.
    days = page.locator(".availability-day")
    expect(days).to_have_count(14)
    tomorrow = days.nth(1)
    expect(tomorrow).to_contain_text("Available")
    expect(tomorrow).to_contain_text("10:00")

    # The booking button stays on screen after scrolling to the bottom.
    page.keyboard.press("End")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    button = page.get_by_role("link", name="Request a booking", exact=True)
    expect(button).to_be_in_viewport()
    if viewport["width"] < 1024:
        # The phone bar sits on top of everything at the bottom of the screen.
        bar = page.locator(".profile__aside").bounding_box()
        assert bar["y"] + bar["height"] <= viewport["height"] + 1
        assert bar["y"] > viewport["height"] / 2

    button.click()
    page.wait_for_url("**/accounts/login/**")
    check_page(page)
    assert f"/dashboard/bookings/request/{profile.pk}/" in page.url
