"""The listings of the public listing pages, built for each page's ``get_context()``
(as wagtail/bakerydemo's ``LocationsIndexPage`` does) from ``directory.selectors``.

City, city index, featured collection and home pages live in ``cms_pages``, which
may not import directory: their ``get_context()`` reads the registry of
``cms_pages.listings``, where this module registers a builder per page type (it is
imported by ``DirectoryConfig.ready``). Templates only render what these return.

Every listing evaluates its page of profiles once, then fetches the card
renditions for all of them in one query, so a page costs the same number of
queries whatever the number of profiles or cities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet, Window, prefetch_related_objects
from django.http import HttpRequest

from cms_pages.listings import register_listing
from cms_pages.models import CustomImage, HomePage
from cms_pages.renditions import CITY_CARD, PROFILE_CARD
from directory.models import (
    CityIndexPage,
    CityPage,
    EscortProfilePage,
    FeaturedCollectionItem,
    FeaturedCollectionPage,
    ProfileIndexPage,
)
from directory.selectors import (
    city_filter_options,
    city_list,
    profile_card_list,
    profile_cards,
    profile_id_list,
    profile_ids_for_city,
    profile_ids_touring_city,
    rotation_seed,
)
from directory.signals import city_profiles_listed

PROFILES_PER_PAGE = 24
MAX_PAGES = 50  # deeper pages add nothing for visitors and invite crawler loops
TOURING_LIMIT = 24
CARDS_PER_COLLECTION = 4


@dataclass(frozen=True)
class Listing:
    page: PaginatorPage
    profiles: list[EscortProfilePage]
    page_range: list[int | str] = field(default_factory=list)

    @property
    def vip(self) -> list[EscortProfilePage]:
        """The featured band (city pages annotate ``city_featured``)."""
        return [p for p in self.profiles if getattr(p, "city_featured", p.is_vip)]

    @property
    def others(self) -> list[EscortProfilePage]:
        return [p for p in self.profiles if not getattr(p, "city_featured", p.is_vip)]


@dataclass(frozen=True)
class FeaturedCollection:
    collection: FeaturedCollectionPage
    profiles: list[EscortProfilePage]


def prefetch_renditions(images: Iterable[CustomImage], specs: Iterable[str]) -> None:
    """One query for the renditions ``specs`` of all ``images``."""
    rendition_model = CustomImage.get_rendition_model()
    prefetch_related_objects(
        list(images),
        Prefetch(
            "renditions",
            queryset=rendition_model.objects.filter(filter_spec__in=list(specs)),
        ),
    )


def with_card_renditions(
    profiles: Iterable[EscortProfilePage],
) -> list[EscortProfilePage]:
    profiles = list(profiles)
    photos = (p.primary_photo for p in profiles)
    prefetch_renditions((ph.image for ph in photos if ph), PROFILE_CARD)
    return profiles


def _paginate(
    ids: QuerySet[EscortProfilePage], request: HttpRequest | None
) -> tuple[PaginatorPage, list[int | str]]:
    """One page of ``ids`` (``values()`` rows with the profile's ``id`` and
    whatever the listing adds, e.g. ``city_featured``); the cards come after
    (``_cards``), e.g. together with another listing of the page.

    The page's rows carry the listing's total (a window count), so the usual case
    is one query instead of Django's ``COUNT`` and then the page; a number past
    the end, or an empty listing, takes Django's own path (count, then the last
    page), so a bad ``?page=`` is answered exactly as ``Paginator.get_page``
    answers it and never with a 500."""
    cap = PROFILES_PER_PAGE * MAX_PAGES
    paginator = Paginator(ids[:cap], PROFILES_PER_PAGE)
    raw = request.GET.get("page") if request else None
    number = _page_number(raw)
    rows: list[dict] = []
    if 1 <= number <= MAX_PAGES:
        start = (number - 1) * PROFILES_PER_PAGE
        counted = ids.annotate(listing_total=Window(Count("pk")))
        rows = list(counted[start : start + PROFILES_PER_PAGE])
    if rows:
        # Paginator.count is a cached_property: the window's total fills it.
        paginator.count = min(rows[0]["listing_total"], cap)
        page = paginator._get_page(rows, number, paginator)
    else:
        page = paginator.get_page(raw)
    page_range = paginator.get_elided_page_range(page.number, on_each_side=2)
    return page, list(page_range)


def _cards(*groups: list[dict]) -> list[list[EscortProfilePage]]:
    """The cards of several listings' rows (``{"id", ...}`` values of showable
    profiles), read together: one query for the pages (``profile_cards``,
    compiled once), one for their photos, one for their card renditions. What a
    row adds besides its id (``city_featured``) is set on its card."""
    ids = list(dict.fromkeys(row["id"] for rows in groups for row in rows))
    cards = {card.pk: card for card in profile_cards(ids=ids)}
    with_card_renditions(cards.values())
    listed = []
    for rows in groups:
        profiles = []
        for row in rows:
            if (card := cards.get(row["id"])) is not None:
                for name, value in row.items():
                    if name not in ("id", "listing_total"):
                        setattr(card, name, value)
                profiles.append(card)
        listed.append(profiles)
    return listed


def _listing(
    page: PaginatorPage, page_range: list[int | str], profiles: list
) -> Listing:
    page.object_list = profiles  # the page's rows were ids
    return Listing(page=page, profiles=profiles, page_range=page_range)


def _page_number(raw: str | None) -> int:
    """The requested page when it is a whole number of at least 1, else 0 (which
    no page has: Django's path then decides, as for any other bad value)."""
    try:
        number = int(raw) if raw is not None else 1
    except ValueError:
        return 0
    return number if number >= 1 else 0


def _session_key(request: HttpRequest | None) -> str | None:
    # Read only: a visitor without a session shares the "anonymous" order rather
    # than getting a session (and a cookie) just for the rotation.
    session = getattr(request, "session", None)
    return getattr(session, "session_key", None)


def _is_preview(request: HttpRequest | None) -> bool:
    # Wagtail sets is_preview on the request it renders an editor's preview with.
    return bool(getattr(request, "is_preview", False))


@register_listing(CityPage)
def city_page_listing(*, page: CityPage, request: HttpRequest) -> dict[str, Any]:
    seed = rotation_seed(session_key=_session_key(request))
    paged, page_range = _paginate(profile_ids_for_city(city=page, seed=seed), request)
    touring_ids = list(profile_ids_touring_city(city=page)[:TOURING_LIMIT])
    profiles, touring = _cards(list(paged.object_list), touring_ids)
    listing = _listing(paged, page_range, profiles)
    if not _is_preview(request):
        # An editor's preview is not a visitor's showing: no impressions.
        city_profiles_listed.send(
            sender=CityPage,
            city_id=page.pk,
            profile_ids=[p.pk for p in listing.profiles],
            offset=listing.page.start_index() - 1 if listing.profiles else 0,
        )
    return {
        "listing": listing,
        "touring": touring,
        "filter_options": city_filter_options(),
    }


@register_listing(CityIndexPage)
def city_index_listing(*, page: CityIndexPage, request: HttpRequest) -> dict[str, Any]:
    cities = list(city_list())
    prefetch_renditions((c.hero_image for c in cities if c.hero_image), CITY_CARD)
    return {"cities": cities}


@register_listing(ProfileIndexPage)
def profile_index_listing(
    *, page: ProfileIndexPage, request: HttpRequest
) -> dict[str, Any]:
    ids = profile_id_list().order_by("-is_vip", "title", "id")
    paged, page_range = _paginate(ids, request)
    (profiles,) = _cards(list(paged.object_list))
    return {"listing": _listing(paged, page_range, profiles)}


def _public_profiles(ids: Iterable[int]) -> dict[int, EscortProfilePage]:
    return profile_card_list().in_bulk(list(ids))


@register_listing(FeaturedCollectionPage)
def collection_listing(
    *, page: FeaturedCollectionPage, request: HttpRequest
) -> dict[str, Any]:
    """The collection's live profiles in the editor's order (drafts, suspended or
    unverified owners drop out). Reads ``page.items`` so a preview shows the
    items being edited."""
    ids = [item.profile_id for item in page.items.all()]
    profiles = _public_profiles(ids)
    return {"profiles": with_card_renditions(profiles[i] for i in ids if i in profiles)}


def _first_public_profile_ids(collection_ids: list[int]) -> dict[int, list[int]]:
    """Per collection, its first few public profiles in the editor's order."""
    items = FeaturedCollectionItem.objects.filter(page_id__in=collection_ids)
    public = {
        row["id"] for row in profile_id_list().filter(pk__in=items.values("profile_id"))
    }
    ordered = items.order_by("page_id", "sort_order")
    return {
        page_id: [i.profile_id for i in group if i.profile_id in public][
            :CARDS_PER_COLLECTION
        ]
        for page_id, group in groupby(ordered, key=lambda i: i.page_id)
    }


@register_listing(HomePage)
def home_listing(*, page: HomePage, request: HttpRequest) -> dict[str, Any]:
    """Featured cities and a few cards per featured collection, in the same number
    of queries however many cities, collections and profiles there are."""
    city_ids = [item.city_id for item in page.featured_cities.all()]
    cities = city_list().in_bulk(city_ids)
    featured_cities = [cities[i] for i in city_ids if i in cities]
    prefetch_renditions(
        (c.hero_image for c in featured_cities if c.hero_image), CITY_CARD
    )

    collection_ids = [item.collection_id for item in page.featured_collections.all()]
    collections = FeaturedCollectionPage.objects.live().public().in_bulk(collection_ids)
    chosen = _first_public_profile_ids(list(collections))
    # The chosen ids are showable (_first_public_profile_ids).
    (cards,) = _cards([{"id": pk} for pks in chosen.values() for pk in pks])
    profiles = {card.pk: card for card in cards}
    featured_collections = [
        FeaturedCollection(collections[i], [profiles[pk] for pk in chosen.get(i, [])])
        for i in collection_ids
        if i in collections
    ]
    return {
        "featured_cities": featured_cities,
        "featured_collections": featured_collections,
    }
