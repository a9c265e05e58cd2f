"""A card shows a profile's primary photo, and a card listing reads only that
photo (directory.selectors ``_card_lookups``): the rule is the same in SQL
(``ProfilePhotoQuerySet.primary_only``) and in Python
(``EscortProfilePage.primary_photo``)."""

from __future__ import annotations

import pytest
from django.test import Client

from directory.models import CARD_PHOTOS, EscortProfilePage
from directory.selectors import profile_card_list
from tests.factories.pages import add_photo, make_profile

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
