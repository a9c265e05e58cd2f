"""Template tags for the public pages: formatting only. Listings are built in each
page's ``get_context()`` (``directory.listings``), SEO data come from the page
types' methods (``cms_pages.models.SeoMixin``); the tags here format them (the
SEO head: canonical URL, Open Graph, JSON-LD) and never decide or query for a
listing."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.whitelist import Whitelister, allow_without_attributes

from cms_pages.models import SeoMixin, SiteSettings
from cms_pages.renditions import SOCIAL_SHARE
from core.formatting import format_duration
from core.templatetags.design_tags import card_from_price
from directory.models import BIO_TAGS
from directory.ratings import PublicRating, annotated_rating

register = template.Library()


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


@register.filter
def card_rating(profile: Any) -> PublicRating | None:
    """A card's "4.8 (12)": read from the listing's annotations (directory.ratings),
    never queried per card; nothing when reviews are off or none is public."""
    rating = annotated_rating(profile)
    return rating if rating is not None and rating.count else None


@register.filter
def card_fingerprint(profile: Any) -> str:
    """Everything the cached part of a card shows (templates/includes/
    profile_card.html: its photo and text), as the key of its fragment: a change
    to any of it is a new key, so a card is never invalidated and never stale.
    Whatever that part of the card starts to show is added here too (the test
    renders a card, changes each of these, and compares)."""
    photo = profile.primary_photo
    image = photo.image if photo is not None else None
    rating = card_rating(profile)
    city = profile.home_city if profile.home_city_id else None
    return repr(
        (
            profile.pk,
            profile.title,
            profile.url_path,
            profile.age,
            profile.tagline,
            profile.is_vip,
            city.title if city is not None else None,
            getattr(profile, "price_from_label", ""),
            card_from_price(profile),
            (rating.average, rating.count) if rating is not None else None,
            profile.available_today,
            profile.is_verified,
            photo.caption if photo is not None else None,
            _image_fingerprint(image),
        )
    )


def _image_fingerprint(image: Any) -> tuple | None:
    # What a rendition's URL and crop depend on: the file and the focal point.
    if image is None:
        return None
    focal = (
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
    )
    return (image.pk, image.file.name, image.width, image.height, focal)


# --- Images above the fold -------------------------------------------------------


@register.filter
def image_loading(position: int, eager: int | str | None) -> str:
    """``loading`` for the ``position``-th (1-based) image of a grid whose first
    ``eager`` images are above the fold: the LCP image is never lazy."""
    return "eager" if position <= int(eager or 0) else "lazy"


@register.filter
def image_priority(position: int, lcp: bool | str | None) -> str:
    """``fetchpriority``: high for the first image of the grid that holds the
    page's LCP image, the browser's default for every other one."""
    return "high" if lcp and position == 1 else "auto"


# --- SEO --------------------------------------------------------------------------


def _canonical_url(page: Page, request: HttpRequest | None, number: int) -> str:
    url = page.get_full_url(request)
    return f"{url}?page={number}" if number > 1 else url


def _memo(context: Context, key: tuple, build: Any) -> Any:
    # The head (JSON-LD) and the body both need the breadcrumbs; the render
    # context lives for one template render, so they share one evaluation.
    if key not in context.render_context:
        context.render_context[key] = build()
    return context.render_context[key]


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


def _site_name(request: HttpRequest | None) -> str:
    if request is None:
        return settings.WAGTAIL_SITE_NAME
    return SiteSettings.for_request(request).site_name


@register.inclusion_tag("includes/seo_head.html", takes_context=True)
def seo_head(context: Context, page_number: int = 1) -> dict[str, Any]:
    """Formats what the page's SeoMixin methods say about it."""
    page = context.get("page")
    if not isinstance(page, SeoMixin):
        return {}  # a non-Wagtail view may call its own context variable "page"
    request = context.get("request")
    url = _canonical_url(page, request, page_number)
    blocks = [data for data in (page.structured_data(url=url),) if data]
    crumbs = breadcrumb_pages(context, page)
    if len(crumbs) > 1:
        blocks.append(_breadcrumb_list(crumbs, request))
    image = page.share_image(request=request)
    return {
        "title": page.seo_title or page.title,
        "description": page.seo_description(),
        "canonical_url": url,
        "og_type": page.og_type(),
        "og_image": image.get_rendition(SOCIAL_SHARE).full_url if image else None,
        "site_name": _site_name(request),
        "json_ld": [json_ld(data) for data in blocks],
    }
