from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Prefetch
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import AbstractGroupApprovalTask, Orderable, Page, PageManager
from wagtail.search import index

from accounts.selectors import may_have_live_profile_q
from cms_pages.listings import ListingPageMixin
from cms_pages.models import CustomImage, SeoMixin
from cms_pages.renditions import PROFILE_LARGE, PROFILE_THUMBNAIL
from cms_pages.restrictions import PrivateSectionsMixin, PublicPageQuerySet
from core.formatting import format_money
from core.models import TimestampedModel
from directory.admin_panels import ModerationBadgesPanel
from directory.city_pages import (  # noqa: F401 - models of this app, see the module
    CityIndexPage,
    CityPage,
    FeaturedCollectionItem,
    FeaturedCollectionPage,
    HomeFeaturedCity,
    HomeFeaturedCollection,
)
from directory.page_forms import EscortProfilePageForm
from directory.photo_badges import (
    photo_verified_at_subquery,
    profile_photos_verified_at_subquery,
    verified_images_of,
)
from directory.ratings import (
    aggregate_rating_ld,
    public_rating_of,
    rating_annotations,
)

MIN_AGE = 18
MAX_PHOTOS = 12
MAX_RATE_MINOR = 10_000_000  # 100,000.00 in any currency: beyond that it is a typo
BIO_FEATURES = ["bold", "italic", "ol", "ul"]
# The one list of tags a bio may hold (docs/architecture.md, "One home per
# rule"): what BIO_FEATURES produce, plus the <strong>/<em> pasted HTML carries.
# Saving (nh3 in directory.services) and showing (the whitelister in
# directory_tags) both read it.
BIO_TAGS = frozenset({"p", "br", "b", "strong", "i", "em", "ul", "ol", "li"})


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    GBP = "GBP", "GBP"
    USD = "USD", "USD"
    CHF = "CHF", "CHF"
    CZK = "CZK", "CZK"
    AED = "AED", "AED"


class Service(models.Model):
    """Non-explicit services, curated by editors (e.g. "Dinner date", "Travel")."""

    class Category(models.TextChoices):
        SOCIAL = "social", _("Social")
        TRAVEL = "travel", _("Travel")
        WELLNESS = "wellness", _("Wellness")
        EVENTS = "events", _("Events")

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("category")]

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    code = models.CharField(_("ISO 639-1 code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyStatus(models.TextChoices):
    PENDING = "pending", _("Pending business verification")
    VERIFIED = "verified", _("Verified")
    REFUSED = "refused", _("Refused")


class Agency(TimestampedModel):
    """An agency lists escorts who consented (``AgencyEscort``). Its business is
    verified by a moderator (``status``) once its responsible person (the
    owner) is identity-verified; until then it cannot invite escorts."""

    Status = AgencyStatus

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    registration_number = models.CharField(
        _("company registration number"), max_length=32, blank=True
    )
    country = models.CharField(_("country"), max_length=60, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=AgencyStatus.choices,
        default=AgencyStatus.PENDING,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # The moderator's note on the last decision, shown to the owner.
    decision_note = models.TextField(_("decision note"), blank=True, max_length=2000)

    class Meta:
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AgencyStatus.values),
                name="directory_agency_known_status",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AgencyStatus.VERIFIED)
                | models.Q(verified_at__isnull=False),
                name="directory_agency_verified_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def verified(self) -> bool:
        """The business is verified (readers of the former boolean column)."""
        return self.status == AgencyStatus.VERIFIED


class AgencyMembership(TimestampedModel):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agency_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "user"], name="directory_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.role})"


AGENCY_INVITATION_DAYS = 14


class AgencyInvitation(TimestampedModel):
    """An owner invites an escort (to be listed) or a manager (to join the
    staff) by email. The link's token is never stored: ``token_hash`` is its
    SHA-256 (directory.agency_services builds the token from ``nonce`` and the
    secret key, so the email task needs no copy of it)."""

    class Role(models.TextChoices):
        ESCORT = "escort", _("Escort (listed by the agency)")
        MANAGER = "manager", _("Manager (agency staff)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))  # stored lower-cased
    role = models.CharField(
        _("role"), max_length=8, choices=Role.choices, default=Role.ESCORT
    )
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "email"],
                condition=models.Q(status="pending"),
                name="directory_invitation_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")),
                name="directory_invitation_email_lower",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.agency} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()


class AgencyEscort(TimestampedModel):
    """An escort's consent to be listed by an agency, and its end. One active
    row per escort (a partial unique constraint): an escort is listed by at
    most one agency at a time. Rows are kept after leaving, as the record."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")

    class EndReason(models.TextChoices):
        LEFT_KEPT = "left_kept", _("Left, kept the profile")
        LEFT_UNPUBLISHED = "left_unpublished", _("Left, unpublished the profile")
        REMOVED = "removed", _("Removed by the agency")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="escort_links"
    )
    escort = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_links"
    )
    invitation = models.ForeignKey(
        AgencyInvitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    consented_at = models.DateTimeField(_("consented at"))
    consent_version = models.CharField(_("consent text version"), max_length=16)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["-consented_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["escort"],
                condition=models.Q(status="active"),
                name="directory_agency_escort_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", left_at__isnull=True)
                | models.Q(status="left", left_at__isnull=False),
                name="directory_agency_escort_left_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.escort} listed by {self.agency} ({self.status})"


class LanguageAPISerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


class ServiceAPISerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["name", "slug", "category"]


class ProfileIndexPage(PrivateSectionsMixin, ListingPageMixin, SeoMixin, Page):
    """Parent of every profile; the "Profile review" workflow is attached here.
    Its listing comes from ``directory.listings`` like the cms_pages listings."""

    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["directory.EscortProfilePage"]
    max_count = 1

    class Meta:
        verbose_name = _("profile index page")

    def seo_summary(self) -> str:
        return _(
            "Every companion here is age- and identity-verified. Browse profiles, "
            "rates and availability, or search by city."
        )


class EscortProfileQuerySet(PublicPageQuerySet):
    def showable(self) -> EscortProfileQuerySet:
        """The one home of "this profile may be shown" (docs/architecture.md,
        invariants 2 and 13): live, without a view restriction, owned by
        someone who may have a live profile, and not paused by its provider.
        The public selectors, the search indexer and Wagtail API v2 all start
        from it."""
        return self.showable_unless_paused().filter(paused_at__isnull=True)

    def showable_unless_paused(self) -> EscortProfileQuerySet:
        """What ``showable()`` would be if the provider had not paused: resuming
        asks it (docs/pausing.md), so a pause never brings back a profile that is
        unpublished or whose owner is unverified or suspended."""
        return self.live().public().filter(may_have_live_profile_q(prefix="owner__"))

    def with_photo_badges(self) -> EscortProfileQuerySet:
        """Annotates ``photos_verified_at``: the latest photo verification still
        valid among the live photos (directory.photo_badges), None without one.
        ``EscortProfilePage.is_verified`` reads it."""
        image_ids = ProfilePhoto.objects.filter(
            page_id=OuterRef(OuterRef("pk"))
        ).values("image_id")
        return self.annotate(
            photos_verified_at=profile_photos_verified_at_subquery(
                photo_image_ids=image_ids
            )
        )


class EscortProfilePage(PrivateSectionsMixin, SeoMixin, Page):
    """A provider's public profile. Owners edit through services that save revisions;
    moderators publish them. ``title`` is the display name."""

    # Set per card by the listings that know them (search: a converted "from" price
    # and today's availability). Defaults here, because a card reading a missing
    # attribute costs Django's template engine a dir() of the whole page object
    # (48 of them cost about 4 ms of a 49 ms city page of 24 cards).
    price_from_label: str | None = None
    available_today: bool = False

    class ContactPreference(models.TextChoices):
        MESSAGES = "messages", _("Platform messages only")
        MESSAGES_AND_BOOKINGS = "messages_bookings", _("Messages and booking requests")
        BOOKINGS = "bookings", _("Booking requests only")

    age = models.PositiveSmallIntegerField(
        _("age"), validators=[MinValueValidator(MIN_AGE), MaxValueValidator(99)]
    )
    home_city = models.ForeignKey(
        CityPage, null=True, on_delete=models.PROTECT, related_name="resident_profiles"
    )
    tagline = models.CharField(_("tagline"), max_length=140, blank=True)
    bio = RichTextField(_("bio"), blank=True, features=BIO_FEATURES, max_length=8000)
    languages = ParentalManyToManyField(Language, blank=True, related_name="profiles")
    services = ParentalManyToManyField(Service, blank=True, related_name="profiles")
    contact_preference = models.CharField(
        _("contact preference"),
        max_length=24,
        choices=ContactPreference.choices,
        default=ContactPreference.MESSAGES_AND_BOOKINGS,
    )
    # ``owner`` is Wagtail's Page.owner: the provider's own login. It and the fields
    # below are read-only to the owner; moderators change them through services,
    # never through a revision (see with_content_json).
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )
    # "Photos verified" is not a column: it follows the photos themselves
    # (photos_verified_at below, directory.photo_badges).
    is_vip = models.BooleanField(_("VIP"), default=False)
    # Set and cleared only by directory.pausing (the provider's one-click pause):
    # a column on the live row, not revision content, so it takes effect at once
    # and needs no review (docs/pausing.md).
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)

    objects = PageManager.from_queryset(EscortProfileQuerySet)()

    PROTECTED_FIELDS = ("owner_id", "agency_id", "is_vip", "paused_at")
    # The editor in /cms/ refuses photos and tours past the owner's plan.
    base_form_class = EscortProfilePageForm

    content_panels = [
        FieldPanel("title", heading=_("Display name")),
        FieldPanel("age"),
        FieldPanel("home_city"),
        FieldPanel("tagline"),
        FieldPanel("bio"),
        FieldPanel("languages"),
        FieldPanel("services"),
        FieldPanel("contact_preference"),
        InlinePanel("rates", label=_("Rates")),
        InlinePanel("photos", label=_("Photos"), max_num=MAX_PHOTOS),
        InlinePanel("tours", label=_("Tours")),
        MultiFieldPanel(
            [
                FieldPanel("owner", read_only=True),
                FieldPanel("agency", read_only=True),
                ModerationBadgesPanel(),
            ],
            heading=_("Set by moderators"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("tagline"),
        index.SearchField("bio"),
        index.FilterField("is_vip"),
    ]
    api_fields = [
        APIField("age"),
        APIField("home_city"),
        APIField("tagline"),
        APIField("bio"),
        APIField("languages", serializer=LanguageAPISerializer(many=True)),
        APIField("services", serializer=ServiceAPISerializer(many=True)),
        APIField("contact_preference"),
        APIField("rates"),
        APIField("photos"),
        APIField("public_tours"),
        APIField("agency_name"),
        APIField("is_verified"),
        APIField("photos_verified_at"),
        APIField("is_vip"),
        APIField("rating"),
    ]
    # Joins for Wagtail API v2 listings (cms_pages.api_v2), so they stay constant.
    api_select_related = ("home_city", "agency")

    @classproperty
    def api_prefetch_related(cls) -> tuple:  # noqa: N805 - a class property
        # Built on access: a queryset cannot be made while models load. The
        # photos come with their verification dates (is_verified, no query).
        return (
            "rates",
            Prefetch(
                "photos",
                queryset=ProfilePhoto.objects.with_verification().order_by(
                    "sort_order"
                ),
            ),
            "photos__image__renditions",
            "tours__city",
            "languages",
            "services",
        )

    parent_page_types = ["directory.ProfileIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("escort profile")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age__gte=MIN_AGE), name="directory_profile_adult"
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.title

    @property
    def agency_name(self) -> str | None:
        return self.agency.name if self.agency_id else None

    @property
    def public_tours(self) -> list[dict]:
        # Wagtail API v2 field: the same tours as API v1 and the profile page
        # (public_tours_of), read from the listing's prefetch.
        return [
            {
                "city": t.city.title,
                "city_id": t.city_id,
                "starts_on": t.starts_on,
                "ends_on": t.ends_on,
            }
            for t in public_tours_of(self.tours.all())
        ]

    @classmethod
    def api_annotations(cls) -> dict[str, Any]:
        # Wagtail API v2 listings (cms_pages.api_v2) annotate the public rating.
        return rating_annotations()

    @property
    def rating(self) -> dict | None:
        """Wagtail API v2 field: ``{"average", "count"}`` of the public reviews,
        None when the provider has reviews off (directory.ratings)."""
        rating = public_rating_of(self)
        return rating.as_dict() if rating is not None else None

    @property
    def photos_verified_at(self) -> dt.datetime | None:
        """When the latest still-valid photo verification was made, None without
        one (directory.photo_badges). Read from the ``with_photo_badges``
        annotation or from photos prefetched ``with_verification``; otherwise
        worked out from the photos in hand (one query), which is also what a
        revision or a preview shows."""
        if "_photos_verified_at" not in self.__dict__:
            self.__dict__["_photos_verified_at"] = self._photos_verified_at_of_photos()
        return self.__dict__["_photos_verified_at"]

    @photos_verified_at.setter
    def photos_verified_at(self, value: dt.datetime | None) -> None:
        # The with_photo_badges annotation lands here.
        self.__dict__["_photos_verified_at"] = value

    @property
    def is_verified(self) -> bool:
        """The "Photos verified" badge (kept under the API's old field name)."""
        return self.photos_verified_at is not None

    def refresh_from_db(self, *args, **kwargs) -> None:
        # The photos (or their verifications) may have changed meanwhile.
        self.__dict__.pop("_photos_verified_at", None)
        super().refresh_from_db(*args, **kwargs)

    def _photos_verified_at_of_photos(self) -> dt.datetime | None:
        photos = list(self.photos.all())
        if photos and all(hasattr(p, "photo_verified_at") for p in photos):
            dates = [p.photo_verified_at for p in photos if p.photo_verified_at]
        else:
            dates = verified_images_of(
                owner_id=self.owner_id, image_ids=[p.image_id for p in photos]
            ).values()
        return max(dates, default=None)

    @property
    def primary_photo(self) -> ProfilePhoto | None:
        """The photo marked primary, else the first (``primary_of``). A card
        listing prefetches only that one (``card_photos``, directory.selectors);
        anything else reads them all."""
        if (chosen := self.__dict__.get(CARD_PHOTOS)) is not None:
            return chosen[0] if chosen else None
        return primary_of(list(self.photos.all()))

    def get_context(self, request, *args, **kwargs) -> dict:  # noqa: ANN001
        # Imported here: directory.profile_page reads these models at import time.
        from directory.profile_page import profile_context_extras, profile_detail

        context = super().get_context(request, *args, **kwargs)
        context["detail"] = profile_detail(profile=self)
        user = getattr(request, "user", None)
        context["is_own_profile"] = bool(
            user is not None and user.is_authenticated and user.pk == self.owner_id
        )
        profile_context_extras(profile=self, request=request, context=context)
        return context

    def clean(self) -> None:
        super().clean()
        # The publication gate (docs/architecture.md, invariant 2): Wagtail saves
        # with full_clean on every publish path (workflow approval, admin publish,
        # scheduled publish), so refusing here refuses them all.
        if self.live and not self._owner_may_go_live():
            raise ValidationError(
                _(
                    "This profile cannot go live: its owner is not age-verified or is "
                    "suspended."
                )
            )

    def _owner_may_go_live(self) -> bool:
        owner = self.owner if self.owner_id else None
        return owner is not None and owner.may_have_live_profile

    def get_sitemap_urls(self, request=None) -> list[dict]:  # noqa: ANN001
        # A live page can outlast its owner's eligibility for a moment (suspension
        # unpublishes, but a flag flipped elsewhere doesn't): search engines must
        # not be told about it meanwhile.
        if not self._owner_may_go_live() or self.is_paused:
            return []
        return super().get_sitemap_urls(request)

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def serve(self, request, *args, **kwargs):  # noqa: ANN001, ANN201
        # A paused profile is a 404 to everyone at its public URL (not a 403,
        # which would tell that it exists); its provider still previews it from
        # the dashboard, whose preview does not come through this check.
        if self.is_paused and not getattr(request, "is_preview", False):
            raise Http404("This profile is paused.")
        return super().serve(request, *args, **kwargs)

    # SEO (cms_pages.models.SeoMixin): nothing beyond what the public page shows.

    def seo_summary(self) -> str:
        city = self.home_city.title if self.home_city_id else ""
        lead = ", ".join(str(part) for part in (self.title, self.age, city) if part)
        return f"{lead}. {self.tagline}" if self.tagline else f"{lead}."

    def seo_image(self) -> CustomImage | None:
        image = super().seo_image()
        if image is None:
            photo = self.primary_photo
            image = photo.image if photo else None
        return image

    def og_type(self) -> str:
        return "profile"

    def structured_data(self, *, url: str) -> dict[str, Any] | None:
        person: dict[str, Any] = {"@type": "Person", "name": self.title}
        if (rating := aggregate_rating_ld(self)) is not None:
            person["makesOffer"] = {
                "@type": "Offer",
                "itemOffered": {
                    "@type": "Service",
                    "name": _("Companionship with %(name)s") % {"name": self.title},
                    "aggregateRating": rating,
                },
            }
        return {"@type": "ProfilePage", "url": url, "mainEntity": person}

    def with_content_json(self, content: dict) -> EscortProfilePage:
        # A revision carries the moderator-owned fields as they were when it was
        # made; the live row is the authority for them.
        obj = super().with_content_json(content)
        for field in self.PROTECTED_FIELDS:
            setattr(obj, field, getattr(self, field))
        return obj


class ProfileRate(Orderable):
    class Kind(models.TextChoices):
        INCALL = "incall", _("Incall")
        OUTCALL = "outcall", _("Outcall")

    page = ParentalKey(
        EscortProfilePage, on_delete=models.CASCADE, related_name="rates"
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(30), MaxValueValidator(1440)],
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    amount_minor = models.PositiveIntegerField(
        _("amount (minor units)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RATE_MINOR)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)

    panels = [
        FieldPanel("duration_minutes"),
        FieldPanel("kind"),
        FieldPanel("amount_minor"),
        FieldPanel("currency"),
    ]
    api_fields = [
        APIField("duration_minutes"),
        APIField("kind"),
        APIField("amount_minor"),
        APIField("currency"),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    amount_minor__gt=0, amount_minor__lte=MAX_RATE_MINOR
                ),
                name="directory_rate_amount_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    duration_minutes__gte=30, duration_minutes__lte=1440
                ),
                name="directory_rate_duration_sane",
            ),
        ]

    @property
    def amount_display(self) -> str:
        return format_money(self.amount_minor, self.currency)


CARD_PHOTOS = "card_photos"


def primary_of(photos: list[ProfilePhoto]) -> ProfilePhoto | None:
    """A profile's primary photo among ``photos`` (in the editor's order): the
    one marked primary, else the first. ``ProfilePhotoQuerySet.primary_only`` is
    the same rule in SQL. No comparison of ``sort_order``: a preview's photos
    held in memory may not have one yet."""
    return next((p for p in photos if p.is_primary), photos[0] if photos else None)


# ``primary_of`` in SQL: the photo marked primary first, then the editor's order.
PRIMARY_PHOTO_ORDER = ("-is_primary", "sort_order")


class ProfilePhotoQuerySet(models.QuerySet):
    def primary_only(self) -> ProfilePhotoQuerySet:
        """One row per profile: its primary photo (``primary_of``)."""
        return self.order_by("page_id", *PRIMARY_PHOTO_ORDER).distinct("page_id")

    def primary_of_page(self, page: Any) -> ProfilePhotoQuerySet:
        """The primary photo of ``page`` (a profile or an ``OuterRef`` to one)
        first: ``[:1]`` of it is ``primary_of`` as a correlated subquery."""
        return self.filter(page=page).order_by(*PRIMARY_PHOTO_ORDER)

    def with_verification(self) -> ProfilePhotoQuerySet:
        """Annotates ``photo_verified_at`` (directory.photo_badges): when the
        photo's current image was verified as showing the profile's owner."""
        return self.annotate(photo_verified_at=photo_verified_at_subquery())


class ProfilePhoto(Orderable):
    page = ParentalKey(
        EscortProfilePage, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    is_primary = models.BooleanField(_("primary photo"), default=False)

    objects = ProfilePhotoQuerySet.as_manager()

    panels = [FieldPanel("image"), FieldPanel("caption"), FieldPanel("is_primary")]
    api_fields = [
        APIField("caption"),
        APIField("is_primary"),
        APIField(
            "thumbnail",
            serializer=ImageRenditionField(PROFILE_THUMBNAIL, source="image"),
        ),
        APIField(
            "large",
            serializer=ImageRenditionField(PROFILE_LARGE, source="image"),
        ),
    ]


class ProfileTourQuerySet(models.QuerySet):
    """The one home of "which tours may the public see" (docs/architecture.md,
    "One home per rule"): not private, not finished. A private tour is shown to
    the provider side only; a finished one is travel history."""

    def public(self, *, today: dt.date | None = None) -> ProfileTourQuerySet:
        return self.filter(is_private=False, ends_on__gte=today or timezone.localdate())

    def touring_on(self, *, day: dt.date | None = None) -> ProfileTourQuerySet:
        """Public tours under way on ``day`` ("touring now")."""
        day = day or timezone.localdate()
        return self.public(today=day).filter(starts_on__lte=day)


def public_tours_of(
    tours: Iterable[ProfileTour], *, today: dt.date | None = None
) -> list[ProfileTour]:
    """ProfileTourQuerySet.public for tours already in memory (a prefetch, or a
    revision being previewed), in date order."""
    today = today or timezone.localdate()
    return sorted(
        (t for t in tours if t.is_public_on(today)), key=lambda t: t.starts_on
    )


class ProfileTour(Orderable):
    page = ParentalKey(
        EscortProfilePage, on_delete=models.CASCADE, related_name="tours"
    )
    city = models.ForeignKey(CityPage, on_delete=models.CASCADE, related_name="tours")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    is_private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_("Shown only to you, not on the profile."),
    )

    panels = [
        FieldPanel("city"),
        FieldPanel("starts_on"),
        FieldPanel("ends_on"),
        FieldPanel("is_private"),
    ]

    objects = ProfileTourQuerySet.as_manager()

    def is_public_on(self, today: dt.date) -> bool:
        # Must agree with ProfileTourQuerySet.public (tests/directory/test_rules.py).
        return not self.is_private and self.ends_on >= today

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="directory_tour_dates_ordered",
            )
        ]

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A tour cannot end before it starts.")})


class ProfileReviewTask(AbstractGroupApprovalTask):
    """Moderator approval that cannot approve a profile whose owner may not go live:
    the approve actions are hidden, and refused if posted anyway."""

    def get_actions(self, obj, user):  # noqa: ANN001, ANN201
        actions = super().get_actions(obj, user)
        if _is_profile_that_may_not_go_live(obj):
            return [a for a in actions if a[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):  # noqa: ANN001, ANN201
        if action_name == "approve" and _is_profile_that_may_not_go_live(
            task_state.workflow_state.content_object
        ):
            # PermissionDenied: Wagtail's admin answers it with a redirect and a
            # message, never a 500.
            raise PermissionDenied(_("The owner is not age-verified or is suspended."))
        return super().on_action(task_state, user, action_name, **kwargs)

    class Meta:
        verbose_name = _("profile review task")


def _is_profile_that_may_not_go_live(obj) -> bool:  # noqa: ANN001
    """Works on a plain ``Page`` too (some Wagtail admin views pass one): the type
    comes from ``specific_class`` and the owner from the base page row."""
    if not isinstance(obj, Page) or obj.specific_class is not EscortProfilePage:
        return False
    owner = obj.owner
    return owner is None or not owner.may_have_live_profile


class Favourite(models.Model):
    """A profile a client saved to their shortlist. One row per client and profile,
    held by the database (a double click or two tabs add nothing twice).
    ``saved_name`` is the display name as the client saw it when saving: once the
    profile is no longer showable, the shortlist shows that name and nothing else
    of it (no photo, no link, no later name)."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    profile = models.ForeignKey(
        EscortProfilePage, on_delete=models.CASCADE, related_name="favourited_by"
    )
    saved_name = models.CharField(_("name when saved"), max_length=255)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("favourite")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "profile"], name="directory_favourite_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} ♥ {self.profile_id}"
