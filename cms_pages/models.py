from __future__ import annotations

import hashlib
import os
import secrets
import zoneinfo
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.models import (
    AbstractImage,
    AbstractRendition,
    Image,
    WagtailImageField,
    get_rendition_upload_to,
    get_upload_to,
)
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms_pages.blocks import BaseStreamBlock
from cms_pages.listings import ListingPageMixin
from cms_pages.metadata import strip_metadata
from cms_pages.renditions import CITY_HERO
from cms_pages.seo import plain_text, truncate_description
from cms_pages.storages import PENDING_PREFIX, image_storage, is_pending_name

_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


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

    @property
    def is_pending(self) -> bool:
        return is_pending_name(self.file.name)

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

    def og_type(self) -> str:
        return "website"

    def structured_data(self, *, url: str) -> dict[str, Any] | None:
        """The page's own schema.org object (without @context), if it has one."""
        return None


class HomePage(ListingPageMixin, SeoMixin, Page):
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


class StandardPage(SeoMixin, Page):
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


class HomeFeaturedCity(Orderable):
    page = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_cities"
    )
    city = models.ForeignKey(
        "cms_pages.CityPage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("city")]
    api_fields = [APIField("city")]


class HomeFeaturedCollection(Orderable):
    page = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_collections"
    )
    collection = models.ForeignKey(
        "cms_pages.FeaturedCollectionPage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("collection")]
    api_fields = [APIField("collection")]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone."), params={"value": value}
        )


class CityIndexPage(ListingPageMixin, SeoMixin, Page):
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["cms_pages.CityPage"]
    max_count = 1

    class Meta:
        verbose_name = _("city index page")

    def seo_summary(self) -> str:
        return plain_text(self.intro) or _(
            "Browse age- and identity-verified companions city by city."
        )


class CityPage(ListingPageMixin, SeoMixin, Page):
    """A city: the SEO landing page listing the live profiles based or touring there."""

    country = models.CharField(_("country"), max_length=80)
    country_code = models.CharField(_("ISO country code"), max_length=2)
    time_zone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone]
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    hero_image = models.ForeignKey(
        CustomImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("country"),
                FieldPanel("country_code"),
                FieldPanel("time_zone"),
                FieldPanel("latitude"),
                FieldPanel("longitude"),
            ],
            heading=_("Location"),
        ),
        FieldPanel("hero_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("country"),
        index.FilterField("country_code"),
    ]
    api_fields = [
        APIField("country"),
        APIField("country_code"),
        APIField("time_zone"),
        APIField("latitude"),
        APIField("longitude"),
        APIField("intro"),
        APIField("body"),
        APIField(
            "hero_image_thumbnail",
            serializer=ImageRenditionField(CITY_HERO, source="hero_image"),
        ),
    ]
    parent_page_types = ["cms_pages.CityIndexPage"]
    subpage_types = ["cms_pages.FeaturedCollectionPage"]

    class Meta:
        verbose_name = _("city page")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="cms_pages_city_coordinates_valid",
            )
        ]

    def seo_summary(self) -> str:
        return plain_text(self.intro) or _(
            "Verified companions in %(city)s, %(country)s."
        ) % {"city": self.title, "country": self.country}

    def seo_image(self) -> CustomImage | None:
        image = super().seo_image()
        if image is None and self.hero_image_id:
            image = self.hero_image
        return image

    def structured_data(self, *, url: str) -> dict[str, Any] | None:
        return {
            "@type": "City",
            "name": self.title,
            "url": url,
            "containedInPlace": {"@type": "Country", "name": self.country},
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": float(self.latitude),
                "longitude": float(self.longitude),
            },
        }


class FeaturedCollectionPage(ListingPageMixin, SeoMixin, Page):
    """An editor-ordered selection of profiles, e.g. "New in Berlin"."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("items", label=_("Profiles"), min_num=1, max_num=48),
    ]
    api_fields = [APIField("intro"), APIField("items")]
    parent_page_types = ["cms_pages.HomePage", "cms_pages.CityPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("featured collection")

    def seo_summary(self) -> str:
        return plain_text(self.intro) or _(
            "%(title)s: a selection of verified companions."
        ) % {"title": self.title}


class FeaturedCollectionItem(Orderable):
    # A generic page reference keeps cms_pages below directory in the dependency
    # order; the chooser restricts the choice to escort profiles.
    page = ParentalKey(
        FeaturedCollectionPage, on_delete=models.CASCADE, related_name="items"
    )
    profile = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("profile", page_type="directory.EscortProfilePage")]
    api_fields = [APIField("profile")]
