"""A provider pauses their profile from the dashboard with one click; a visitor's
page of the city no longer lists them and their URL is gone; the provider
resumes and the visitor finds them again (docs/pausing.md). The buttons are
plain POST forms: the journey is the same without JavaScript."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _screenshot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    """PAUSE_SCREENSHOTS=<folder>: full-page shots at this width, to look at."""
    folder = os.environ.get("PAUSE_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}-{viewport['width']}.png", full_page=True)


def _card_names(page) -> list[str]:  # noqa: ANN001 - a Playwright Page
    return page.locator(".profile-card__name").all_inner_texts()


def test_provider_pauses_and_resumes_from_the_dashboard(
    live_server, new_page, viewport
):
    city = make_city("Lisbon", slug="lisbon-pause", country="Portugal")
    owner = EscortOwnerFactory(email="ines@example.test")
    ines = make_profile("Ines", city=city, owner=owner)
    make_profile("Marta", city=city)
    base = live_server.url

    visitor = new_page()
    visitor.goto(f"{base}{city.url}")
    check_page(visitor)
    assert sorted(_card_names(visitor)) == ["Ines", "Marta"]

    provider = new_page()
    sign_in_checked(provider, base, owner.email, "/dashboard/")
    panel = provider.locator('[data-panel="profiles"]')
    expect(panel).to_contain_text("Pausing takes the profile off every page")
    _screenshot(provider, "dashboard-live", viewport)
    provider.get_by_role("button", name="Pause my profile").click()
    provider.wait_for_url("**/dashboard/")
    check_page(provider)
    expect(provider.locator(".flash-list")).to_contain_text("Ines is paused")
    expect(panel.locator('[data-status="paused"]')).to_have_text("Paused")
    expect(panel.get_by_role("link", name="View live profile")).to_have_count(0)
    _screenshot(provider, "dashboard-paused", viewport)

    visitor.reload()
    check_page(visitor)
    assert _card_names(visitor) == ["Marta"]
    gone = visitor.goto(f"{base}{ines.url}")
    assert gone.status == 404
    check_page(visitor)

    provider.get_by_role("button", name="Resume Ines").click()
    provider.wait_for_url("**/dashboard/")
    check_page(provider)
    expect(provider.locator(".flash-list")).to_contain_text("Ines is back")
    expect(panel.locator('[data-status="paused"]')).to_have_count(0)

    visitor.goto(f"{base}{city.url}")
    check_page(visitor)
    assert sorted(_card_names(visitor)) == ["Ines", "Marta"]
    visitor.get_by_role("link", name="Ines", exact=True).click()
    visitor.wait_for_url(f"**{ines.url}")
    check_page(visitor)
