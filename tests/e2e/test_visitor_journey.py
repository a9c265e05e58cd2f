"""A visitor finds a companion as people do: home → a city → the filter form
with some fields left blank → results → a facet link → a profile → its photos →
the header search box with its suggestions, picked with the keyboard. Every page
is checked (no sideways scroll, no console error, axe) at both widths."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from search.indexer import search_documents_refresh
from tests.e2e.checks import check_page
from tests.factories.pages import (
    add_photo,
    add_rate,
    feature_on_home,
    language,
    make_city,
    make_profile,
    service,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _profile(name: str, *, city, eur: int, services, languages):  # noqa: ANN001, ANN202
    """Published through a revision with rate, services, languages and two
    photos, then indexed (as approval does through the outbox)."""
    page = make_profile(name, city=city, live=False, is_verified=True)
    add_rate(page, duration_minutes=60, amount_minor=eur * 100, currency="EUR")
    add_photo(page, is_primary=True, caption=f"{name} in the evening")
    add_photo(page, caption=f"{name} at the gallery")
    page.services = services
    page.languages = languages
    page.save()
    page = type(page).objects.get(pk=page.pk)
    page.save_revision().publish()
    search_documents_refresh(profile_ids=[page.pk])
    return page


def _shot(page, name: str) -> None:  # noqa: ANN001
    """SEARCH_SCREENSHOTS=/tmp keeps a picture of each step (for looking, not
    for asserting)."""
    if folder := os.environ.get("SEARCH_SCREENSHOTS"):
        width = page.viewport_size["width"]
        page.screenshot(path=f"{folder}/journey-{width}-{name}.png", full_page=True)


def _open_drawer(page, name: str) -> None:  # noqa: ANN001
    """Filters are a one-line drawer on phones and a sidebar on desktop."""
    toggle = page.locator("summary", has_text=name).first
    if toggle.is_visible() and toggle.evaluate("s => !s.parentElement.open"):
        toggle.click()


def test_visitor_finds_a_companion(live_server, new_page):
    lisbon = make_city(
        "Lisbon",
        country="Portugal",
        country_code="PT",
        time_zone="Europe/Lisbon",
    )
    feature_on_home(cities=[lisbon])
    dinner, travel = service("Dinner date"), service("Travel companion")
    pt, en = language("pt", "Portuguese"), language("en", "English")
    _profile("Marisol", city=lisbon, eur=300, services=[dinner], languages=[pt, en])
    _profile("Beatriz", city=lisbon, eur=250, services=[dinner], languages=[pt])
    _profile("Carla", city=lisbon, eur=450, services=[dinner, travel], languages=[en])
    _profile("Dalia", city=lisbon, eur=200, services=[travel], languages=[pt])

    page = new_page()
    page.goto(live_server.url + "/")
    check_page(page)

    # Home → the city.
    page.get_by_role("link", name="Lisbon", exact=True).first.click()
    page.wait_for_url(f"**{lisbon.url}")
    check_page(page)

    # The city's filters: a highest price and a service; lowest price, day and
    # times left blank (the form sends them empty).
    page.locator("summary", has_text="Filter companions in Lisbon").click()
    form = page.get_by_role("form", name="Filter companions in Lisbon")
    form.get_by_label("Highest price").fill("350")
    form.get_by_label("Dinner date").check()
    form.get_by_label("Sort by").select_option(label="Price: low to high")
    _shot(page, "city-filters")
    form.get_by_role("button", name="Show companions").click()
    page.wait_for_url("**/search/?*")
    check_page(page)
    assert "price_min=&" in page.url or page.url.endswith("price_min=")
    text = page.locator("main").inner_text()
    assert "Please check the search" not in text
    assert "valid integer" not in text
    assert "2 companions found" in text
    cards = page.locator(".profile-card__name")
    expect(cards).to_have_text(["Beatriz", "Marisol"])  # price: low to high
    assert "from 250 EUR per hour" in text
    _shot(page, "search-results")

    # A facet link narrows: English speakers among these results.
    _open_drawer(page, "Filters")
    page.get_by_role("navigation", name="Refine results").get_by_role(
        "link", name=re.compile(r"^English")
    ).click()
    page.wait_for_url(re.compile(r".*languages=en"))
    check_page(page)
    expect(page.locator(".profile-card__name")).to_have_text(["Marisol"])
    chosen = page.get_by_role("list", name="Chosen filters")
    expect(
        chosen.get_by_role("link", name=re.compile("Remove filter: English"))
    ).to_be_visible()
    _shot(page, "search-facet")

    # The profile and its photos.
    page.get_by_role("link", name="Marisol", exact=True).click()
    page.wait_for_url("**/marisol/")
    check_page(page)
    _open_first_photo(page)

    # The header search: part of a name, a suggestion picked with the keyboard.
    box = page.get_by_role("combobox", name=re.compile("Search companions"))
    box.fill("Beat")
    suggestion = page.get_by_role("option", name=re.compile("Beatriz"))
    expect(suggestion).to_be_visible()
    _shot(page, "header-suggestions")
    box.press("ArrowDown")
    expect(suggestion).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url("**/beatriz/")
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Beatriz")


def _open_first_photo(page) -> None:  # noqa: ANN001
    """The lightbox (a <dialog> opened from a link to the large photo) where the
    profile page has one; before it, the photo shown on the page itself."""
    link = page.locator("[data-lightbox-item], .gallery a").first
    if link.count():
        link.click()
        expect(page.locator("dialog[open] img").first).to_be_visible()
        image = page.locator("dialog[open] img").first
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
        page.keyboard.press("Escape")
        expect(page.locator("dialog[open]")).to_have_count(0)
        return
    photo = page.locator(".gallery img").first
    photo.click()
    expect(photo).to_be_visible()
    assert photo.evaluate("i => i.complete && i.naturalWidth > 0")
    assert re.search(r"\.(webp|jpe?g|png)$", photo.evaluate("i => i.currentSrc"))
