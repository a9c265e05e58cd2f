"""The pages that list directory data: the city index, city pages, featured
collections, and the home page's featured cities and collections (inlines of
``cms_pages.HomePage``). They lived in ``cms_pages`` until the listings moved into
``get_context()``; they list profiles, so they belong here (the design brief
places them in directory). Their tables keep their old names (``db_table``) and
their content types were renamed in place, so every page, revision and URL
survived the move (directory migration 0004, docs/architecture.md).

Imported by ``directory.models``, where Django and the rest of the code find them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms_pages.blocks import BaseStreamBlock
from cms_pages.listings import ListingPageMixin
from cms_pages.models import CustomImage, HomePage, SeoMixin, validate_time_zone
from cms_pages.renditions import CITY_HERO
from cms_pages.restrictions import PrivateSectionsMixin, PublicPageManager
from cms_pages.seo import plain_text


class CityIndexPage(PrivateSectionsMixin, ListingPageMixin, SeoMixin, Page):
    # The template kept its path when the model moved from cms_pages.
    template = "cms_pages/city_index_page.html"

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["directory.CityPage"]
    max_count = 1

    class Meta:
        verbose_name = _("city index page")
        db_table = "cms_pages_cityindexpage"

    def seo_summary(self) -> str:
        return plain_text(self.intro) or _(
            "Browse age- and identity-verified companions city by city."
        )


class CityPage(PrivateSectionsMixin, ListingPageMixin, SeoMixin, Page):
    """A city: the SEO landing page listing the live profiles based or touring there."""

    # The template kept its path when the model moved from cms_pages.
    template = "cms_pages/city_page.html"

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
    parent_page_types = ["directory.CityIndexPage"]
    subpage_types = ["directory.FeaturedCollectionPage"]

    # public() from the cached private sections (cms_pages.restrictions).
    objects = PublicPageManager()

    class Meta:
        verbose_name = _("city page")
        db_table = "cms_pages_citypage"
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


class FeaturedCollectionPage(PrivateSectionsMixin, ListingPageMixin, SeoMixin, Page):
    """An editor-ordered selection of profiles, e.g. "New in Berlin"."""

    # The template kept its path when the model moved from cms_pages.
    template = "cms_pages/featured_collection_page.html"

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("items", label=_("Profiles"), min_num=1, max_num=48),
    ]
    api_fields = [APIField("intro"), APIField("items")]
    parent_page_types = ["cms_pages.HomePage", "directory.CityPage"]
    subpage_types: list[str] = []

    objects = PublicPageManager()

    class Meta:
        verbose_name = _("featured collection")
        db_table = "cms_pages_featuredcollectionpage"

    def seo_summary(self) -> str:
        return plain_text(self.intro) or _(
            "%(title)s: a selection of verified companions."
        ) % {"title": self.title}


class FeaturedCollectionItem(Orderable):
    # A generic page reference (from the days this model lived in cms_pages); the
    # chooser restricts the choice to escort profiles.
    page = ParentalKey(
        FeaturedCollectionPage, on_delete=models.CASCADE, related_name="items"
    )
    profile = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("profile", page_type="directory.EscortProfilePage")]
    api_fields = [APIField("profile")]

    class Meta(Orderable.Meta):
        db_table = "cms_pages_featuredcollectionitem"


class HomeFeaturedCity(Orderable):
    page = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_cities"
    )
    city = models.ForeignKey(
        "directory.CityPage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("city")]
    api_fields = [APIField("city")]

    class Meta(Orderable.Meta):
        db_table = "cms_pages_homefeaturedcity"


class HomeFeaturedCollection(Orderable):
    page = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_collections"
    )
    collection = models.ForeignKey(
        "directory.FeaturedCollectionPage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("collection")]
    api_fields = [APIField("collection")]

    class Meta(Orderable.Meta):
        db_table = "cms_pages_homefeaturedcollection"
