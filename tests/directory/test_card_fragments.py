"""A profile card's photo and text are a cached fragment keyed on everything they
show (templates/includes/profile_card.html, ``card_fingerprint``): served from
the cache, a card is exactly the card rendered without it, whatever changed.
The favourite button, with its CSRF token and the visitor's saved state, is
never cached. Wagtail's ``{% wagtailcache %}`` skips previews, which is what the
tests render as the uncached reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils.translation import get_language

from directory.models import EscortProfilePage, Favourite
from directory.selectors import profile_card_list
from directory.templatetags.directory_tags import card_fingerprint
from tests.factories import UserFactory
from tests.factories.pages import add_photo, add_rate

pytestmark = pytest.mark.django_db


def _card(profile: EscortProfilePage, *, preview: bool = False, user=None, **extra):
    request = RequestFactory().get("/cities/vienna/")
    request.user = user or AnonymousUser()
    if preview:
        request.is_preview = True  # as Wagtail marks an editor's preview
    context = {"profile": profile, **extra}
    return render_to_string("includes/profile_card.html", context, request=request)


@pytest.fixture
def card_profile(profile):
    add_photo(profile, caption="By the river", is_primary=True)
    add_rate(profile, amount_minor=30000)
    return profile


def _loaded(profile: EscortProfilePage) -> EscortProfilePage:
    return profile_card_list().get(pk=profile.pk)


def _set_rating(p: EscortProfilePage) -> None:
    p.public_rating_on = True
    p.public_rating_average = Decimal("4.60")
    p.public_rating_count = 7


def _move_focal_point(p: EscortProfilePage) -> None:
    image = p.primary_photo.image
    image.focal_point_x, image.focal_point_y = 10, 10
    image.focal_point_width, image.focal_point_height = 20, 20


CHANGES: dict[str, Callable[[EscortProfilePage], None]] = {
    "title": lambda p: setattr(p, "title", "Clara Renamed"),
    "age": lambda p: setattr(p, "age", 41),
    "tagline": lambda p: setattr(p, "tagline", "A new line"),
    "vip": lambda p: setattr(p, "is_vip", True),
    "city name": lambda p: setattr(p.home_city, "title", "Wien"),
    "rate": lambda p: setattr(p, "from_amount_minor", 45000),
    "rate currency": lambda p: setattr(p, "from_currency", "CHF"),
    "search price": lambda p: setattr(p, "price_from_label", "from €450"),
    "rating": _set_rating,
    "available today": lambda p: setattr(p, "available_today", True),
    "photos verified": lambda p: setattr(
        p, "photos_verified_at", dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    ),
    "caption": lambda p: setattr(p.primary_photo, "caption", "At the opera"),
    "focal point": _move_focal_point,
    "no photo": lambda p: p.__dict__.update(card_photos=[]),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_cached_card_is_the_card_rendered_without_the_cache(card_profile, change):
    before = _card(_loaded(card_profile))  # now in the fragment cache
    assert _card(_loaded(card_profile)) == before

    changed = _loaded(card_profile)
    CHANGES[change](changed)
    cached = _card(changed)
    reference = _card(changed, preview=True)

    assert cached == reference
    assert cached != before  # the change shows: the card did not come from the cache


def test_the_grid_position_is_part_of_the_key(card_profile):
    lazy = _card(_loaded(card_profile), loading="lazy")
    eager = _card(_loaded(card_profile), loading="eager", priority="high")
    assert 'loading="lazy"' in lazy
    assert 'loading="eager"' in eager and 'fetchpriority="high"' in eager


def test_an_unchanged_card_comes_from_the_cache(card_profile):
    profile = _loaded(card_profile)
    _card(profile)
    # The vary-on values of the template's wagtailcache: no loading or
    # priority given, the language, the host.
    vary_on = [card_fingerprint(profile), "", "", get_language(), "testserver"]
    key = make_template_fragment_key("profile_card", vary_on)
    assert "Clara" in caches["fragments"].get(key)
    # Whatever the cache holds under the key is what the card shows.
    caches["fragments"].set(key, "<p>from the cache</p>")
    assert "<p>from the cache</p>" in _card(_loaded(card_profile))
    assert "<p>from the cache</p>" not in _card(_loaded(card_profile), preview=True)


def test_previews_are_never_cached(card_profile):
    _card(_loaded(card_profile), preview=True)
    assert len(caches["fragments"]._cache) == 0


def test_the_favourite_button_is_never_cached(card_profile):
    saver, other = UserFactory(), UserFactory()
    Favourite.objects.create(client=saver, profile=card_profile)
    anonymous = _card(_loaded(card_profile))
    saved = _card(_loaded(card_profile), user=saver)
    not_saved = _card(_loaded(card_profile), user=other)

    assert "Sign in to save Clara" in anonymous
    assert 'aria-pressed="true"' in saved and "csrfmiddlewaretoken" in saved
    assert 'aria-pressed="false"' in not_saved
    assert len(caches["fragments"]._cache) == 1  # one fragment served all three


def test_a_published_change_shows_on_the_city_page_at_once(card_profile, city):
    client = Client()
    first = client.get(city.url).content.decode()
    assert "Original tagline" in first
    assert client.get(city.url).content.decode() == first  # warm: the same page

    page = EscortProfilePage.objects.get(pk=card_profile.pk)
    page.tagline = "Published since"
    page.save_revision().publish()

    after = client.get(city.url).content.decode()
    assert "Published since" in after
    assert "Original tagline" not in after
