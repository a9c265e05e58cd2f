"""The design system in a browser, at a phone's and a laptop's width: the home
page with its menu (a <details> disclosure on phones, inline links from 64rem,
no JavaScript either way), the style guide and the branded 404. Screenshots go
to /tmp/design_<page>_<width>.png for a person to look at."""

from __future__ import annotations

import re

import pytest

from tests.e2e.checks import check_page
from tests.factories.pages import (
    add_photo,
    add_rate,
    feature_on_home,
    make_city,
    make_collection,
    make_profile,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _shot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    # For a person to look at after the run, not read back by the test.
    path = f"/tmp/design_{name}_{viewport['width']}.png"  # noqa: S108
    page.screenshot(path=path, full_page=True)


def _fonts_loaded(page) -> bool:  # noqa: ANN001
    return page.evaluate(
        """async () => { await document.fonts.ready;
          return document.fonts.check('16px Inter')
            && document.fonts.check('600 32px "Cormorant Garamond"'); }"""
    )


def test_home_menu_styleguide_and_404(live_server, new_page, viewport, console_errors):
    lisbon = make_city("Lisbon", country="Portugal", time_zone="Europe/Lisbon")
    ines = make_profile("Ines", city=lisbon, is_vip=True, is_verified=True)
    add_photo(ines, is_primary=True)
    add_rate(ines, amount_minor=25000)
    collection = make_collection("New in Lisbon", profiles=[ines])
    feature_on_home(cities=[lisbon], collections=[collection])
    base = live_server.url
    phone = viewport["width"] < 1024

    page = new_page()
    page.goto(f"{base}/")
    check_page(page)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Premium Escorts Directory"
    )
    assert page.get_by_role("link", name="Ines", exact=True).is_visible()
    assert _fonts_loaded(page)
    # The header search: a labelled box on every page.
    assert page.get_by_label("Search companions, cities and services").is_visible()
    _shot(page, "home", viewport)

    main_nav = page.get_by_role("navigation", name="Main")
    cities = main_nav.get_by_role("link", name="Cities")
    toggle = page.locator(".menu > summary")
    if phone:
        assert toggle.is_visible() and not cities.is_visible()
        toggle.click()
        assert cities.is_visible()
        account = page.get_by_role("navigation", name="Account")
        assert account.get_by_role("link", name="Sign in").is_visible()
        _shot(page, "menu", viewport)
    else:
        assert not toggle.is_visible() and cities.is_visible()
    cities.click()
    page.wait_for_url(f"{base}/cities/")
    check_page(page)
    assert page.get_by_role("link", name="Lisbon").is_visible()

    page.goto(f"{base}/styleguide/")
    check_page(page)
    for heading in ("Colours", "Buttons", "Cards", "Forms", "Empty states"):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    # Checkboxes sit beside their labels: not stretched across the form.
    english = page.get_by_label("English")
    assert english.bounding_box()["width"] < 40
    english.uncheck()
    assert not english.is_checked()
    _shot(page, "styleguide", viewport)

    response = page.goto(f"{base}/no-such-page/")
    assert response.status == 404
    check_page(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.get_by_role("link", name="Back to the home page").is_visible()
    _shot(page, "404", viewport)
    # Chromium logs the 404 document itself as a failed resource; nothing else.
    unexpected = [e for e in console_errors if not re.search(r"\b404\b", e)]
    assert unexpected == []
    console_errors.clear()
