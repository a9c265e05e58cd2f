"""A client saves a profile from its card on a city page and another from its
profile page, finds both on the shortlist, removes one and sees it gone. The
heart is a button in a form with its CSRF token; favourites.js turns it into an
in-place toggle on cards and profile pages, and the shortlist posts the form
(the path without JavaScript, whose redirects tests/directory covers)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from directory.models import Favourite
from directory.services import favourite_add
from tests.e2e.checks import check_page
from tests.factories import PASSWORD
from tests.factories.bookings import client_account
from tests.factories.pages import make_city, make_profile

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHORTLIST = "/dashboard/favourites/"


def _pressed(page, name: str) -> str | None:  # noqa: ANN001 - a Playwright Page
    return page.get_by_role("button", name=name, exact=True).get_attribute(
        "aria-pressed"
    )


def _screenshot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    """FAVOURITES_SCREENSHOTS=<folder>: full-page shots at this width, to look at."""
    folder = os.environ.get("FAVOURITES_SCREENSHOTS")
    if folder:
        path = f"{folder}/{name}-{viewport['width']}.png"
        page.screenshot(path=path, full_page=True)


def test_client_saves_from_card_and_profile_then_removes(
    live_server, new_page, viewport
):
    city = make_city("Porto", slug="porto-e2e", country="Portugal")
    make_profile("Sofia", city=city)
    make_profile("Lena", city=city)
    customer = client_account(email="max@example.test", display_name="Max")
    # Saved last week; offline since (unpublished): on the shortlist by name only.
    nora = make_profile("Nora", city=city)
    favourite_add(client=customer, profile_id=nora.pk)
    nora.unpublish()
    base = live_server.url

    page = new_page()
    page.goto(f"{base}{city.url}")
    check_page(page)
    # Anonymous: the heart is a link to sign in, and back here afterwards.
    page.get_by_role("link", name="Sign in to save Sofia").click()
    page.wait_for_url("**/accounts/login/**")
    check_page(page)
    page.get_by_label("Email").fill(customer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(f"**{city.url}")
    check_page(page)

    # From the card: favourites.js saves it in place, no reload.
    page.evaluate("window.stillTheSamePage = true")
    assert _pressed(page, "Save Sofia") == "false"
    page.get_by_role("button", name="Save Sofia", exact=True).click()
    saved = page.get_by_role("button", name="Remove Sofia from saved", exact=True)
    expect(saved).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#favourite-status")).to_have_text("Saved Sofia.")
    assert page.evaluate("window.stillTheSamePage === true")
    assert _pressed(page, "Save Lena") == "false"

    # From the profile page.
    page.get_by_role("link", name="Lena", exact=True).click()
    page.wait_for_url("**/escorts/lena/")
    check_page(page)
    page.get_by_role("button", name="Save Lena", exact=True).click()
    saved = page.get_by_role("button", name="Remove Lena from saved", exact=True)
    expect(saved).to_have_attribute("aria-pressed", "true")
    check_page(page)  # the new state passes axe too
    _screenshot(page, "favourites-profile", viewport)

    page.goto(f"{base}{SHORTLIST}")
    check_page(page)
    cards = page.locator(".profile-card")
    assert cards.count() == 3
    gone = page.locator(".profile-card--gone")
    assert "Nora" in gone.text_content()
    assert "No longer available" in gone.text_content()  # CSS may upper-case it
    assert gone.get_by_role("link").count() == 0
    assert page.get_by_role("link", name="Sofia", exact=True).is_visible()
    assert page.get_by_role("link", name="Lena", exact=True).is_visible()
    _screenshot(page, "favourites", viewport)

    page.get_by_role("button", name="Remove Sofia from saved").click()
    page.wait_for_url(f"**{SHORTLIST}#favourite-*")
    check_page(page)
    assert "Removed Sofia from your saved profiles." in page.content()
    assert cards.count() == 2
    assert page.get_by_role("link", name="Sofia", exact=True).count() == 0
    assert page.get_by_role("link", name="Lena", exact=True).is_visible()
    assert list(
        Favourite.objects.filter(client=customer)
        .order_by("saved_name")
        .values_list("saved_name", flat=True)
    ) == ["Lena", "Nora"]
