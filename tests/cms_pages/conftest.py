"""Fixtures of the cms_pages tests: the full-page cache tests
(tests/cms_pages/test_page_cache*.py) and a plain live city (``berlin``; a module
that needs other fields defines its own)."""

from __future__ import annotations

import pytest
from django.test import Client

from directory.models import CityPage, EscortProfilePage
from tests.factories.pages import make_city
from tests.factories.search import live_city, live_profile

BROWSER = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Safari/605.1.15"
)


@pytest.fixture
def berlin(db) -> CityPage:  # noqa: ANN001
    return make_city("Berlin")


@pytest.fixture
def page_cache_on(settings) -> None:  # noqa: ANN001
    """Test settings keep the cache off for every other page test."""
    settings.PAGE_CACHE_ENABLED = True


def visitor(address: str = "203.0.113.7") -> Client:
    """An anonymous person in a browser (analytics counts browsers only)."""
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def lisbon(db) -> CityPage:  # noqa: ANN001
    return live_city("Lisbon", slug="lisbon-cache", intro="<p>Version one</p>")


@pytest.fixture
def clara(lisbon) -> EscortProfilePage:  # noqa: ANN001
    return live_profile("Clara", city=lisbon, slug="clara-cache")


@pytest.fixture
def beatriz(lisbon) -> EscortProfilePage:  # noqa: ANN001
    # A second profile on the city page: an empty listing cannot pass for
    # "Clara is gone".
    return live_profile("Beatriz", city=lisbon, slug="beatriz-cache")
