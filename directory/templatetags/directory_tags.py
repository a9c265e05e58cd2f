"""Template tags for the public pages: listings built on directory.selectors, and the
SEO head (canonical URL, Open Graph, JSON-LD).

cms_pages may not import directory, so the city, home and collection templates get
their profiles here. Every listing evaluates its page of profiles once, then fetches
the card renditions for all of them in one query, so a page costs the same number of
queries whatever the number of profiles.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django import template
from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.template.context import Context
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.whitelist import Whitelister, allow_without_attributes

from cms_pages.models import (
    CityPage,
    CustomImage,
    FeaturedCollectionItem,
    FeaturedCollectionPage,
    HomePage,
)
from cms_pages.renditions import (
    CITY_CARD,
    PROFILE_CARD,
    SOCIAL_SHARE,
)
from core.formatting import format_duration
from directory.models import BIO_TAGS, EscortProfilePage
from directory.selectors import (
    city_list,
    profile_card_list,
    profile_public_list,
    profiles_for_city,
    profiles_touring_city,
    rotation_seed,
)
from directory.signals import city_profiles_listed

register = template.Library()

PROFILES_PER_PAGE = 24
MAX_PAGES = 50  # deeper pages add nothing for visitors and invite crawler loops
TOURING_LIMIT = 24
CARDS_PER_COLLECTION = 4
DESCRIPTION_LENGTH = 160


# --- Listings -----------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    page: PaginatorPage
    profiles: list[EscortProfilePage]
    page_range: list[int | str] = field(default_factory=list)

    @property
    def vip(self) -> list[EscortProfilePage]:
        return [p for p in self.profiles if p.is_vip]

    @property
    def others(self) -> list[EscortProfilePage]:
        return [p for p in self.profiles if not p.is_vip]


def _memo(context: Context, key: tuple, build: Callable[[], Any]) -> Any:
    # The head (title, canonical) and the body both need the same listing; the
    # render context lives for one template render, so they share one evaluation.
    if key not in context.render_context:
        context.render_context[key] = build()
    return context.render_context[key]


def _prefetch_renditions(images: Iterable[CustomImage], specs: Iterable[str]) -> None:
    rendition_model = CustomImage.get_rendition_model()
    prefetch_related_objects(
        list(images),
        Prefetch(
            "renditions",
            queryset=rendition_model.objects.filter(filter_spec__in=list(specs)),
        ),
    )


def _with_card_renditions(
    profiles: Iterable[EscortProfilePage],
) -> list[EscortProfilePage]:
    profiles = list(profiles)
    photos = (p.primary_photo for p in profiles)
    _prefetch_renditions((ph.image for ph in photos if ph), PROFILE_CARD)
    return profiles


def _page_number(request: HttpRequest | None) -> str | None:
    return request.GET.get("page") if request is not None else None


def _paginate(
    queryset: QuerySet[EscortProfilePage], request: HttpRequest | None
) -> Listing:
    paginator = Paginator(queryset[: PROFILES_PER_PAGE * MAX_PAGES], PROFILES_PER_PAGE)
    # get_page turns a malformed number into page 1 and an out-of-range one into
    # the last page: a bad ?page= never answers 500.
    page = paginator.get_page(_page_number(request))
    page_range = paginator.get_elided_page_range(page.number, on_each_side=2)
    return Listing(
        page=page,
        profiles=_with_card_renditions(page.object_list),
        page_range=list(page_range),
    )


def _session_key(request: HttpRequest | None) -> str | None:
    # Read only: a visitor without a session shares the "anonymous" order rather
    # than getting a session (and a cookie) just for the rotation.
    session = getattr(request, "session", None)
    return getattr(session, "session_key", None)


@register.simple_tag(takes_context=True)
def city_listing(context: Context, city: CityPage) -> Listing:
    request = context.get("request")

    def build() -> Listing:
        seed = rotation_seed(session_key=_session_key(request))
        listing = _paginate(profiles_for_city(city=city, seed=seed), request)
        city_profiles_listed.send(
            sender=CityPage,
            city_id=city.pk,
            profile_ids=[p.pk for p in listing.profiles],
            offset=listing.page.start_index() - 1 if listing.profiles else 0,
        )
        return listing

    return _memo(context, ("city_listing", city.pk), build)


@register.simple_tag(takes_context=True)
def profile_index_listing(context: Context) -> Listing:
    request = context.get("request")
    queryset = profile_card_list().order_by("-is_vip", "title", "id")
    return _memo(context, ("profile_index",), lambda: _paginate(queryset, request))


@register.simple_tag
def live_cities() -> list[CityPage]:
    cities = list(city_list())
    _prefetch_renditions((c.hero_image for c in cities if c.hero_image), CITY_CARD)
    return cities


@register.simple_tag
def touring_profiles(city: CityPage) -> list[EscortProfilePage]:
    return _with_card_renditions(profiles_touring_city(city=city)[:TOURING_LIMIT])


def _live_collections(ids: list[int]) -> dict[int, FeaturedCollectionPage]:
    return FeaturedCollectionPage.objects.live().public().in_bulk(ids)


def _public_profiles(ids: Iterable[int]) -> dict[int, EscortProfilePage]:
    return profile_card_list().in_bulk(list(ids))


@register.simple_tag
def collection_profiles(collection: FeaturedCollectionPage) -> list[EscortProfilePage]:
    """The collection's live profiles in the editor's order (drafts, suspended or
    unverified owners drop out)."""
    ids = [item.profile_id for item in collection.items.all()]
    profiles = _public_profiles(ids)
    return _with_card_renditions(profiles[i] for i in ids if i in profiles)


@dataclass(frozen=True)
class FeaturedCollection:
    collection: FeaturedCollectionPage
    profiles: list[EscortProfilePage]


@register.simple_tag
def home_featured_cities(home: HomePage) -> list[CityPage]:
    ids = [item.city_id for item in home.featured_cities.all()]
    cities = city_list().in_bulk(ids)
    return [cities[i] for i in ids if i in cities]


def _first_public_profile_ids(collection_ids: list[int]) -> dict[int, list[int]]:
    """Per collection, its first few public profiles in the editor's order."""
    items = FeaturedCollectionItem.objects.filter(page_id__in=collection_ids)
    public = set(
        profile_public_list()
        .filter(pk__in=items.values("profile_id"))
        .values_list("pk", flat=True)
    )
    ordered = items.order_by("page_id", "sort_order")
    return {
        page_id: [i.profile_id for i in group if i.profile_id in public][
            :CARDS_PER_COLLECTION
        ]
        for page_id, group in groupby(ordered, key=lambda i: i.page_id)
    }


@register.simple_tag
def home_featured_collections(home: HomePage) -> list[FeaturedCollection]:
    """A few cards per featured collection, in the same number of queries however
    many collections and profiles there are."""
    ids = [item.collection_id for item in home.featured_collections.all()]
    collections = _live_collections(ids)
    chosen = _first_public_profile_ids(list(collections))
    profiles = _public_profiles(pk for pks in chosen.values() for pk in pks)
    _with_card_renditions(profiles.values())
    return [
        FeaturedCollection(collections[i], [profiles[pk] for pk in chosen.get(i, [])])
        for i in ids
        if i in collections
    ]


# --- Profile page ---------------------------------------------------------------
# The page's data come from EscortProfilePage.get_context (directory/profile_page.py);
# these filters only format.


# "[document]" is the whitelister's root node, not a tag.
_BIO_ELEMENTS = ("[document]", *sorted(BIO_TAGS))


class _BioWhitelister(Whitelister):
    element_rules = dict.fromkeys(_BIO_ELEMENTS, allow_without_attributes)


@register.filter
def clean_bio(html: str) -> str:
    """Defence in depth: bios are sanitised when saved, and again here, so a row
    written past the services (a fixture, a shell) still cannot carry a script."""
    return _BioWhitelister().clean(html or "")


@register.filter
def duration(minutes: int) -> str:
    return format_duration(minutes)


@register.filter
def photo_alt(photo: Any, name: str) -> str:
    caption = getattr(photo, "caption", "") or ""
    return caption or _("Photo of %(name)s") % {"name": name}


# --- SEO --------------------------------------------------------------------------


def _plain(html: str) -> str:
    return " ".join(strip_tags(html or "").split())


def _truncate(text: str) -> str:
    return Truncator(text).chars(DESCRIPTION_LENGTH)


def page_description(page: Page) -> str:
    """The editor's search description, else one made from the page's own text."""
    if page.search_description:
        return _truncate(page.search_description)
    if isinstance(page, EscortProfilePage):
        return _truncate(_profile_summary(page))
    intro = _plain(getattr(page, "intro", ""))
    if intro:
        return _truncate(intro)
    if isinstance(page, CityPage):
        return _("Verified companions in %(city)s, %(country)s.") % {
            "city": page.title,
            "country": page.country,
        }
    return _truncate(page.title)


def _profile_summary(profile: EscortProfilePage) -> str:
    city = profile.home_city.title if profile.home_city_id else ""
    lead = ", ".join(str(part) for part in (profile.title, profile.age, city) if part)
    return f"{lead}. {profile.tagline}" if profile.tagline else f"{lead}."


def _canonical_url(page: Page, request: HttpRequest | None, number: int) -> str:
    url = page.get_full_url(request)
    return f"{url}?page={number}" if number > 1 else url


def _og_image_url(page: Page) -> str | None:
    image = page.og_image if getattr(page, "og_image_id", None) else None
    if image is None and isinstance(page, EscortProfilePage):
        photo = page.primary_photo
        image = photo.image if photo else None
    if image is None and isinstance(page, CityPage) and page.hero_image_id:
        image = page.hero_image
    return image.get_rendition(SOCIAL_SHARE).full_url if image else None


def _structured_data(page: Page, url: str) -> dict[str, Any] | None:
    if isinstance(page, HomePage):
        return {"@type": "WebSite", "name": settings.WAGTAIL_SITE_NAME, "url": url}
    if isinstance(page, CityPage):
        return {
            "@type": "City",
            "name": page.title,
            "url": url,
            "containedInPlace": {"@type": "Country", "name": page.country},
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": float(page.latitude),
                "longitude": float(page.longitude),
            },
        }
    if isinstance(page, EscortProfilePage):
        # Name only: nothing beyond what the public profile itself shows.
        return {
            "@type": "ProfilePage",
            "url": url,
            "mainEntity": {"@type": "Person", "name": page.title},
        }
    return None


def breadcrumb_pages(context: Context, page: Page) -> list[Page]:
    def build() -> list[Page]:
        return [*page.get_ancestors().filter(depth__gte=2), page]

    return _memo(context, ("breadcrumbs", page.pk), build)


@register.simple_tag(takes_context=True)
def breadcrumbs(context: Context, page: Any) -> list[Page]:
    return breadcrumb_pages(context, page) if isinstance(page, Page) else []


def _breadcrumb_list(crumbs: list[Page], request: HttpRequest | None) -> dict:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.title,
                "item": crumb.get_full_url(request),
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }


_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict[str, Any]) -> SafeString:
    """A JSON-LD script; <, > and & are escaped so no value can close the tag."""
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False)
    return mark_safe(  # noqa: S308 - escaped above, like django's json_script
        '<script type="application/ld+json">'
        f"{text.translate(_JSON_SCRIPT_ESCAPES)}</script>"
    )


@register.inclusion_tag("includes/seo_head.html", takes_context=True)
def seo_head(context: Context, page_number: int = 1) -> dict[str, Any]:
    page = context.get("page")
    if not isinstance(page, Page):
        return {}  # a non-Wagtail view may call its own context variable "page"
    request = context.get("request")
    url = _canonical_url(page, request, page_number)
    blocks = [data for data in (_structured_data(page, url),) if data]
    crumbs = breadcrumb_pages(context, page)
    if len(crumbs) > 1:
        blocks.append(_breadcrumb_list(crumbs, request))
    return {
        "title": page.seo_title or page.title,
        "description": page_description(page),
        "canonical_url": url,
        "og_type": "profile" if isinstance(page, EscortProfilePage) else "website",
        "og_image": _og_image_url(page),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "json_ld": [json_ld(data) for data in blocks],
    }
