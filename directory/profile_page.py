"""What the public profile page shows, read once per render by
``EscortProfilePage.get_context``: the gallery with its renditions, rates,
services by category, languages and public tours.

It works on the page object itself, not on a fresh query, so that a moderator's
preview shows the revision being previewed (modelcluster keeps a revision's
photos, rates and tours in memory). Each relation costs one query whatever its
size, and the renditions of every photo one more, so the page runs a constant
number of queries (tests/directory/test_profile_page.py).

Availability lives in ``bookings``, which sits above ``directory``; it joins the
page's context through the ``PROFILE_CONTEXT_HOOK`` Wagtail hook instead of an
import (pyproject.toml, ``[tool.importlinter]``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from wagtail import hooks

from cms_pages.renditions import (
    PROFILE_GALLERY,
    PROFILE_GALLERY_THUMB,
    SOCIAL_SHARE,
)
from directory.listings import prefetch_renditions
from directory.models import (
    EscortProfilePage,
    Language,
    ProfilePhoto,
    ProfileRate,
    ProfileTour,
    Service,
    public_tours_of,
)
from directory.photo_badges import verified_images_of

# Functions registered under this name get ``(page, request, context)`` and may
# add keys to the profile page's context: bookings adds the availability
# calendar (bookings/wagtail_hooks.py). A hook must keep its query count constant.
PROFILE_CONTEXT_HOOK = "construct_profile_page_context"


@dataclass(frozen=True)
class ImageSource:
    """One photo at one display size: the 1x rendition, its 2x twin and the 1x
    dimensions (the width/height attributes that reserve its space)."""

    url: str
    url_2x: str
    width: int
    height: int

    @property
    def srcset(self) -> str:
        return f"{self.url} 1x, {self.url_2x} 2x"


@dataclass(frozen=True)
class GalleryPhoto:
    alt: str
    caption: str
    large: ImageSource  # the lead photo, and every photo in the lightbox
    thumb: ImageSource
    # When this photo was verified as showing the owner (None: not verified).
    verified_at: dt.datetime | None = None
    # The ProfilePhoto row, for its "Report" link (None: a photo only in a
    # revision being previewed).
    photo_id: int | None = None


@dataclass(frozen=True)
class ProfileDetail:
    photos: list[GalleryPhoto]
    rates: list[ProfileRate]
    lowest_rate: ProfileRate | None
    tours: list[ProfileTour]
    service_groups: list[tuple[str, list[Service]]]
    languages: list[Language]
    # "Photos verified <date>": the latest verification still valid among the
    # photos shown (directory.photo_badges).
    photos_verified_at: dt.datetime | None = None

    @property
    def lead_photo(self) -> GalleryPhoto | None:
        return self.photos[0] if self.photos else None


def profile_detail(*, profile: EscortProfilePage) -> ProfileDetail:
    rates = list(profile.rates.all())
    photos = _gallery(profile=profile)
    verified = max((p.verified_at for p in photos if p.verified_at), default=None)
    # The same answer for page.is_verified, without asking again.
    profile.photos_verified_at = verified
    return ProfileDetail(
        photos=photos,
        photos_verified_at=verified,
        rates=rates,
        # The same "from" price as the public API's cards: the lowest amount.
        lowest_rate=min(rates, key=lambda rate: rate.amount_minor, default=None),
        tours=public_tours_of(profile.tours.select_related("city")),
        service_groups=_services_by_category(profile.services.all()),
        languages=list(profile.languages.all()),
    )


def profile_context_extras(
    *, profile: EscortProfilePage, request: HttpRequest | None, context: dict
) -> None:
    """Lets higher apps add to the page's context (``PROFILE_CONTEXT_HOOK``)."""
    for hook in hooks.get_hooks(PROFILE_CONTEXT_HOOK):
        hook(profile, request, context)


def _gallery(*, profile: EscortProfilePage) -> list[GalleryPhoto]:
    _prefetch_photos(profile)
    # The primary photo leads (it is the LCP image); the rest keep their order.
    photos = sorted(profile.photos.all(), key=lambda p: not p.is_primary)
    # SOCIAL_SHARE too: the primary photo is the page's og:image (seo_head), and
    # an image whose renditions were prefetched looks for no other.
    specs = (*PROFILE_GALLERY, *PROFILE_GALLERY_THUMB, SOCIAL_SHARE)
    prefetch_renditions((p.image for p in photos), specs)
    verified = verified_images_of(
        owner_id=profile.owner_id, image_ids=[p.image_id for p in photos]
    )
    return [
        _gallery_photo(
            photo, name=profile.title, verified_at=verified.get(photo.image_id)
        )
        for photo in photos
    ]


def _prefetch_photos(profile: EscortProfilePage) -> None:
    """The photos with their images, kept on the page object: the gallery, the
    share image (``seo_image``: the primary photo) and the cards' code read one
    query. A preview's photos are the revision's, in memory: nothing to fetch."""
    if "photos" in getattr(profile, "_cluster_related_objects", {}):
        return
    photos = Prefetch("photos", queryset=ProfilePhoto.objects.select_related("image"))
    prefetch_related_objects([profile], photos)


def _gallery_photo(
    photo: ProfilePhoto, *, name: str, verified_at: dt.datetime | None
) -> GalleryPhoto:
    renditions = photo.image.get_renditions(*PROFILE_GALLERY, *PROFILE_GALLERY_THUMB)
    return GalleryPhoto(
        alt=photo.caption or _("Photo of %(name)s") % {"name": name},
        caption=photo.caption,
        large=_source(renditions, PROFILE_GALLERY),
        thumb=_source(renditions, PROFILE_GALLERY_THUMB),
        verified_at=verified_at,
        photo_id=photo.pk,
    )


def _source(renditions: dict[str, Any], pair: tuple[str, str]) -> ImageSource:
    one, two = renditions[pair[0]], renditions[pair[1]]
    return ImageSource(url=one.url, url_2x=two.url, width=one.width, height=one.height)


def _services_by_category(
    services: Iterable[Service],
) -> list[tuple[str, list[Service]]]:
    ordered = sorted(services, key=lambda s: (s.category, s.name))
    return [
        (Service.Category(category).label, list(group))
        for category, group in groupby(ordered, key=lambda s: s.category)
    ]
