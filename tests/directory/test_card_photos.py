"""A card shows a profile's primary photo, and a card listing reads only that
photo (directory.selectors ``_primary_photo``): the rule is the same in SQL
(``ProfilePhotoQuerySet.primary_only``) and in Python
(``EscortProfilePage.primary_photo``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from directory.models import CARD_PHOTOS, EscortProfilePage
from directory.ratings import annotated_rating
from directory.selectors import profile_card_list, profile_cards
from directory.templatetags.directory_tags import card_fingerprint
from tests.factories.pages import (
    add_photo,
    add_rate,
    make_city,
    make_profile,
    verify_photo,
)
from tests.factories.reviews import add_review, set_reviews

pytestmark = pytest.mark.django_db


def _fresh(profile: EscortProfilePage) -> EscortProfilePage:
    return EscortProfilePage.objects.get(pk=profile.pk)


def test_card_listing_reads_the_primary_photo_only(profile, city):
    first = add_photo(profile, caption="first")
    marked = add_photo(profile, caption="marked", is_primary=True)
    add_photo(profile, caption="last")
    unmarked = make_profile("Unmarked", city=city)
    earliest = add_photo(unmarked, caption="earliest")
    add_photo(unmarked, caption="later")
    bare = make_profile("Bare", city=city)

    cards = profile_card_list().in_bulk([profile.pk, unmarked.pk, bare.pk])

    assert [p.pk for p in cards[profile.pk].__dict__[CARD_PHOTOS]] == [marked.pk]
    assert cards[profile.pk].primary_photo.pk == marked.pk
    assert cards[unmarked.pk].primary_photo.pk == earliest.pk
    assert cards[bare.pk].primary_photo is None
    # The same answers from every photo, where a page reads them all.
    assert _fresh(profile).primary_photo.pk == marked.pk
    assert _fresh(unmarked).primary_photo.pk == earliest.pk
    assert _fresh(bare).primary_photo is None
    assert first.pk != marked.pk


def test_a_card_listing_leaves_the_gallery_relation_alone(profile):
    add_photo(profile, is_primary=True)
    add_photo(profile)
    card = profile_card_list().get(pk=profile.pk)
    # card_photos holds one photo; photos.all() is still the whole gallery.
    assert len(card.__dict__[CARD_PHOTOS]) == 1
    assert len(card.photos.all()) == 2


def test_the_api_list_shows_the_primary_photo_read_alone(profile, city):
    add_photo(profile, caption="first")
    add_photo(profile, caption="marked", is_primary=True)
    add_photo(profile, caption="last")
    response = Client().get("/api/v1/escorts", {"city": city.pk})
    assert response.status_code == 200
    (item,) = [i for i in response.json()["results"] if i["id"] == profile.pk]
    assert item["photo"]["caption"] == "marked"
    assert item["photo"]["thumbnail"].endswith(".webp")


def _card(profile: EscortProfilePage) -> tuple:
    # Everything a card shows (its fragment key), and what was left unread.
    return card_fingerprint(profile), frozenset(profile.get_deferred_fields())


def test_compiled_cards_are_the_card_listings_objects(profile, city):
    """directory.selectors.profile_cards reads cards from SQL compiled once per
    process; every card is what profile_card_list() makes of the same
    profile, and a second call with other ids answers for those."""
    verify_photo(add_photo(profile, caption="verified", is_primary=True))
    add_rate(profile, amount_minor=41000)
    rated = make_profile("Rated", city=city, is_vip=True, tagline="Gallery days")
    add_photo(rated, caption="rated")
    set_reviews(rated, enabled=True)
    add_review(rated, 5)
    add_review(rated, 4)
    elsewhere = make_profile("Elsewhere", city=make_city("Nice", slug="nice-cards"))
    ids = [rated.pk, profile.pk, elsewhere.pk]
    reference = profile_card_list().in_bulk(ids)

    with CaptureQueriesContext(connection) as queries:
        cards = profile_cards(ids=ids)
        described = [_card(card) for card in cards]

    assert [card.pk for card in cards] == ids
    assert described == [_card(reference[pk]) for pk in ids]
    assert annotated_rating(cards[0]).average == Decimal("4.50")
    assert cards[1].is_verified is True and cards[1].primary_photo is not None
    assert len(queries) == 2  # the cards, their photos (with images)
    assert [card.pk for card in profile_cards(ids=[elsewhere.pk, 987654])] == [
        elsewhere.pk
    ]
