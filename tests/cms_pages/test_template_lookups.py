"""Listing cards read only attributes their objects have. A lookup Django's
template engine cannot resolve falls back to ``dir()`` of the object, which for a
Wagtail page lists hundreds of names: on a city page of 24 cards that was 48 calls
and about 4 ms of 49 (in-process, test settings)."""

from __future__ import annotations

import collections
import sys

import django.template.base as template_base
import pytest

from tests.factories.pages import add_photo, add_rate, make_city, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_lookups(monkeypatch):  # noqa: ANN001, ANN201
    """(type, attribute) of every template lookup that fell back to ``dir()``."""
    seen: collections.Counter = collections.Counter()

    def spy(obj):  # noqa: ANN001, ANN202
        seen[(type(obj).__name__, sys._getframe(1).f_locals.get("bit"))] += 1
        return dir(obj)

    # The engine calls the builtin by name: a module global shadows it.
    monkeypatch.setattr(template_base, "dir", spy, raising=False)
    return seen


def test_city_page_cards_never_miss_an_attribute(client, failed_lookups):
    berlin = make_city("Berlin")
    for n in range(3):
        profile = make_profile(f"Card {n}", city=berlin)
        add_photo(profile, is_primary=True)
        add_rate(profile)

    response = client.get("/cities/berlin/")

    assert response.status_code == 200
    assert response.content.decode().count('class="profile-card') >= 3
    pages = {key: n for key, n in failed_lookups.items() if key[0].endswith("Page")}
    assert pages == {}
