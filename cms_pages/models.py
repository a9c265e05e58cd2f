from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.models import (
    AbstractImage,
    AbstractRendition,
    Filter,
    Image,
    WagtailImageField,
    get_rendition_upload_to,
    get_upload_to,
)
from wagtail.models import Page, Site
from wagtail.search import index

from cms_pages.blocks import BaseStreamBlock
from cms_pages.listings import ListingPageMixin
from cms_pages.metadata import strip_metadata
from cms_pages.restrictions import PrivateSectionsMixin
from cms_pages.seo import plain_text, truncate_description
from cms_pages.storages import PENDING_PREFIX, image_storage, is_pending_name

_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@functools.lru_cache(maxsize=512)
def _filter_for_spec(spec: str) -> Filter:
    """One parsed ``Filter`` per spec and process. Wagtail's image tags build a
    new Filter at every render, and each parses its spec again into operations
    (through ``inspect.getcallargs``): 118 parses on a city page, about a tenth
    of its time (bench/pages.py). A Filter does not change with use (its
    operations are worked out once), so sharing one is safe; the cache is
    bounded."""
    return Filter(spec=spec)


def _parsed(filter: Filter | str) -> Filter:
    # Only Wagtail's own class by its spec: a subclass may carry more than that.
    if isinstance(filter, str):
        return _filter_for_spec(filter)
    if type(filter) is Filter and isinstance(filter.spec, str):
        return _filter_for_spec(filter.spec)
    return filter


class CustomImage(AbstractImage):
    """Every original is stored without metadata (EXIF/GPS/XMP), whichever way it
    arrives: Wagtail admin, API upload or a seed script, under a random name.
    A provider's upload stays in the private store until a moderator approves a
    revision that uses it (``is_pending``; docs/architecture.md, Images)."""

    file = WagtailImageField(
        verbose_name=_("file"),
        storage=image_storage,
        upload_to=get_upload_to,
        width_field="width",
        height_field="height",
    )
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    admin_form_fields = (*Image.admin_form_fields, "caption")

    # Set before the first save by image_create for uploads that need review.
    store_pending = False
    # Cleared before the first save by demo seeders, whose placeholder photos
    # share one design: the "photo already used by another account" check
    # (moderation.photos) then records the hash but files no report.
    check_duplicates = True

    @property
    def is_pending(self) -> bool:
        return is_pending_name(self.file.name)

    def get_rendition(self, filter: Filter | str) -> AbstractRendition:  # noqa: A002 - Wagtail's name
        return super().get_rendition(_parsed(filter))

    def get_renditions(self, *filters: Filter | str) -> dict[str, AbstractRendition]:
        return super().get_renditions(*map(_parsed, filters))

    def get_upload_to(self, filename: str) -> str:
        # A random name: the uploader's file name (often their own name) never
        # reaches a public URL, and renditions derive their names from this one.
        extension = os.path.splitext(filename)[1].lower()
        folder = "original_images"
        if self.store_pending:
            folder = PENDING_PREFIX + folder
        return f"{folder}/{secrets.token_hex(16)}{extension}"

    def save(self, *args, **kwargs) -> None:
        if self.file and not getattr(self.file, "_committed", True):
            self._replace_with_stripped_original()
        super().save(*args, **kwargs)

    def _replace_with_stripped_original(self) -> None:
        self.file.seek(0)
        data, image_format = strip_metadata(self.file.read())
        stem = os.path.splitext(os.path.basename(self.file.name))[0] or "image"
        self.file = ContentFile(data, name=f"{stem}.{_EXTENSIONS[image_format]}")
        self.file_size = len(data)
        self.file_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(
        CustomImage, on_delete=models.CASCADE, related_name="renditions"
    )
    file = WagtailImageField(
        upload_to=get_rendition_upload_to,
        storage=image_storage,
        width_field="width",
        height_field="height",
    )

    def get_upload_to(self, filename: str) -> str:
        # A pending photo's renditions stay private with it.
        name = super().get_upload_to(filename)
        return PENDING_PREFIX + name if self.image.is_pending else name

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class SeoMixin(models.Model):
    """SEO fields and methods shared by page types; Wagtail's own ``seo_title`` and
    ``search_description`` are the title and meta description. Each page type
    overrides the methods it knows better (``seo_summary``, ``seo_image``,
    ``og_type``, ``structured_data``); the ``seo_head`` tag only formats them."""

    og_image = models.ForeignKey(
        CustomImage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("social sharing image"),
    )

    promote_panels = [
        MultiFieldPanel(Page.promote_panels, _("Common page configuration")),
        FieldPanel("og_image"),
    ]

    class Meta:
        abstract = True

    def seo_description(self) -> str:
        """The meta description: the editor's search description, else the page
        type's own summary. Never empty (the summary falls back to the title)."""
        return truncate_description(self.search_description or self.seo_summary())

    def seo_summary(self) -> str:
        return plain_text(getattr(self, "intro", "")) or self.title

    def seo_image(self) -> CustomImage | None:
        """The image for og:image; page types add their own fallback."""
        return self.og_image if self.og_image_id else None

    def share_image(self, *, request: HttpRequest | None) -> CustomImage | None:
        """What og:image shows: the page type's image, else the site's default
        sharing image (SiteSettings, read once per request)."""
        image = self.seo_image()
        if image is None and request is not None:
            image = SiteSettings.for_request(request).default_share_image
        return image

    def og_type(self) -> str:
        return "website"

    def structured_data(self, *, url: str) -> dict[str, Any] | None:
        """The page's own schema.org object (without @context), if it has one."""
        return None


class HomePage(PrivateSectionsMixin, ListingPageMixin, SeoMixin, Page):
    intro = models.CharField(_("intro"), max_length=255, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("featured_cities", label=_("Featured cities"), max_num=12),
        InlinePanel("featured_collections", label=_("Featured collections"), max_num=6),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [
        APIField("intro"),
        APIField("body"),
        APIField("featured_cities"),
        APIField("featured_collections"),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def seo_summary(self) -> str:
        return self.intro or _(
            "Age- and identity-verified companions, city by city: profiles, "
            "rates, availability and bookings."
        )

    def structured_data(self, *, url: str) -> dict[str, Any] | None:
        return {"@type": "WebSite", "name": settings.WAGTAIL_SITE_NAME, "url": url}


class StandardPage(PrivateSectionsMixin, SeoMixin, Page):
    """About, safety, terms, privacy, cookies: plain editorial pages."""

    intro = models.CharField(_("intro"), max_length=255, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    api_fields = [APIField("intro"), APIField("body")]

    parent_page_types = ["cms_pages.HomePage", "cms_pages.StandardPage"]
    subpage_types = ["cms_pages.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


# Used by directory.CityPage, and named by migrations of both apps.
def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone."), params={"value": value}
        )


@register_setting(icon="site", order=10)
class SiteSettings(BaseSiteSetting):
    """Per-site details the templates show (Settings > Site settings): the name
    in titles and og:site_name, the default sharing image, contact addresses for
    the footer and the legal pages. Read in templates as
    ``settings.cms_pages.SiteSettings`` (cached on the request: one query)."""

    site_name = models.CharField(
        _("site name"), max_length=80, default="Premium Escorts Directory"
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=160,
        blank=True,
        default="A discreet directory of independent, verified companions.",
        help_text=_("One sentence under the brand in the footer."),
    )
    default_share_image = models.ForeignKey(
        CustomImage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default sharing image"),
        help_text=_("og:image of pages that have no image of their own."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    safety_email = models.EmailField(
        _("support and safety email"),
        blank=True,
        help_text=_("For safety concerns and account help."),
    )
    press_email = models.EmailField(_("press email"), blank=True)
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        max_length=500,
        help_text=_("Optional; shown on the legal pages that need one."),
    )

    age_gate_enabled = models.BooleanField(
        _("ask visitors to confirm they are 18 or older"),
        default=True,
        help_text=_(
            "Anonymous visitors confirm once per visit before browsing. Search "
            "engines and signed-in members are not asked."
        ),
    )
    age_gate_countries = models.CharField(
        _("age confirmation countries"),
        max_length=500,
        blank=True,
        help_text=_(
            "Two-letter country codes separated by commas (e.g. GB, DE). Blank: "
            "every country. Visitors whose country is unknown are always asked."
        ),
    )

    # The sharing image comes with the row: no second query for og:image.
    select_related = ["default_share_image"]

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("tagline")], _("Brand")),
        FieldPanel("default_share_image"),
        MultiFieldPanel(
            [
                FieldPanel("contact_email"),
                FieldPanel("safety_email"),
                FieldPanel("press_email"),
                FieldPanel("postal_address"),
            ],
            _("Contact"),
        ),
        MultiFieldPanel(
            [FieldPanel("age_gate_enabled"), FieldPanel("age_gate_countries")],
            _("Age confirmation"),
        ),
    ]

    @classmethod
    def for_request(cls, request: HttpRequest) -> SiteSettings:
        """As Wagtail's (once per request), but read from the cache: every public
        page reads the settings (footer, og:site_name, the age gate), and they
        change only when an editor saves them (``forget_site_settings``). The
        admin's edit view reads the row itself (``for_site``)."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        key = site_settings_cache_key(site.pk)
        site_settings = cache.get(key)
        if site_settings is None:
            site_settings = cls.for_site(site)
            cache.set(key, site_settings, SITE_SETTINGS_CACHE_SECONDS)
        site_settings._request = request
        setattr(request, attr_name, site_settings)
        return site_settings

    def clean(self) -> None:
        super().clean()
        codes = [c.strip().upper() for c in self.age_gate_countries.split(",")]
        codes = [c for c in codes if c]
        if any(not re.fullmatch(r"[A-Z]{2}", code) for code in codes):
            raise ValidationError(
                {"age_gate_countries": _("Use two-letter codes such as GB, DE.")}
            )
        self.age_gate_countries = ", ".join(codes)

    def age_gate_shows_for(self, country: str) -> bool:
        """Whether a visitor from ``country`` ("" = unknown) is asked."""
        if not self.age_gate_enabled:
            return False
        codes = {c.strip().upper() for c in self.age_gate_countries.split(",")}
        codes.discard("")
        return not codes or not country or country in codes

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")


SITE_SETTINGS_CACHE_SECONDS = 60 * 60


def site_settings_cache_key(site_id: int) -> str:
    return f"cms_pages:site-settings:v1:{site_id}"


def forget_site_settings(**kwargs: Any) -> None:
    """Every site's cached settings (saved settings, or an image they may show
    deleted: SET_NULL updates the row without a save signal)."""
    cache.delete_many([site_settings_cache_key(pk) for pk in _site_ids()])


def _site_ids() -> list[int]:
    return list(Site.objects.values_list("pk", flat=True))


post_save.connect(forget_site_settings, sender=SiteSettings)
post_delete.connect(forget_site_settings, sender=SiteSettings)
post_save.connect(forget_site_settings, sender=CustomImage)
post_delete.connect(forget_site_settings, sender=CustomImage)
