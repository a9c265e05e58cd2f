"""Builders for the Wagtail page tree: cities, profiles, collections, images.

Pages are created the way Wagtail creates them (``parent.add_child``) and published
through a revision, so ``live``, ``url_path``, revisions and redirects behave as in
production. Profiles publish only when their owner may have a live profile: that is
the model's own gate, and these builders never bypass it.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image

from accounts.models import Role, User
from cms_pages.models import CustomImage, HomePage
from directory.models import (
    CityIndexPage,
    CityPage,
    EscortProfilePage,
    FeaturedCollectionItem,
    FeaturedCollectionPage,
    HomeFeaturedCity,
    HomeFeaturedCollection,
    Language,
    ProfileIndexPage,
    ProfilePhoto,
    ProfileRate,
    ProfileTour,
    Service,
)
from tests.factories import UserFactory
from tests.mfa import totp_for
from verification.models import PhotoVerification


def jpeg_bytes(size: tuple[int, int] = (120, 150), colour: str = "#7a2946") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


class CustomImageFactory(factory.django.DjangoModelFactory[CustomImage]):
    class Meta:
        model = CustomImage

    title = factory.Sequence(lambda n: f"Portrait {n}")
    file = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="portrait.jpg"))


class EscortOwnerFactory(UserFactory):
    """A provider who passed age and identity verification.
    ``second_factor=True`` gives them a TOTP authenticator, which a first
    profile submission needs (directory.services, docs/joining.md)."""

    role = Role.ESCORT
    is_age_verified = True

    @factory.post_generation
    def second_factor(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted:
            totp_for(self)


def home_page() -> HomePage:
    return HomePage.objects.get()


def city_index_page() -> CityIndexPage:
    return CityIndexPage.objects.get()


def profile_index_page() -> ProfileIndexPage:
    return ProfileIndexPage.objects.get()


def publish(page: Any, *, user: User | None = None) -> Any:
    page.save_revision(user=user).publish()
    page.refresh_from_db()
    return page


def make_city(title: str = "Berlin", *, live: bool = True, **fields: Any) -> CityPage:
    defaults: dict[str, Any] = {
        "slug": slugify(title),
        "country": "Germany",
        "country_code": "DE",
        "time_zone": "Europe/Berlin",
        "latitude": Decimal("52.52000"),
        "longitude": Decimal("13.40500"),
        "intro": f"<p>Verified companions in {title}.</p>",
    }
    city = CityPage(title=title, live=False, **{**defaults, **fields})
    city_index_page().add_child(instance=city)
    return publish(city) if live else city


def make_profile(
    title: str = "Amelie",
    *,
    city: CityPage | None,
    owner: User | None = None,
    live: bool = True,
    **fields: Any,
) -> EscortProfilePage:
    """A profile owned by a verified provider; ``live=False`` leaves a draft only.
    ``is_verified=True`` gives it a photo that a moderator verified
    ("Photos verified", directory.photo_badges)."""
    verified = fields.pop("is_verified", False)
    owner = owner or EscortOwnerFactory()
    defaults: dict[str, Any] = {
        "slug": slugify(title),
        "age": 27,
        "tagline": "Elegant company for dinners and events",
        "bio": "<p>Warm, well travelled and discreet.</p>",
    }
    profile = EscortProfilePage(
        title=title, home_city=city, owner=owner, live=False, **{**defaults, **fields}
    )
    if verified:
        profile.photos = [ProfilePhoto(image=CustomImageFactory())]
    profile_index_page().add_child(instance=profile)
    if live:
        profile = publish(profile, user=owner)
    else:
        profile.save_revision(user=owner)
    if verified:
        for photo in ProfilePhoto.objects.filter(page=profile).select_related("image"):
            verify_photo(photo)
    return profile


def verify_photo(
    photo: ProfilePhoto, *, at: dt.datetime | None = None, by: User | None = None
) -> PhotoVerification:
    """A moderator's verification of the photo's image as it is now (its id and
    current file hash), for the profile's owner; ``at`` backdates it."""
    verification = PhotoVerification.objects.create(
        user_id=photo.page.owner_id,
        image_id=photo.image_id,
        file_hash=photo.image.file_hash,
        verified_by=by,
    )
    if at is not None:
        PhotoVerification.objects.filter(pk=verification.pk).update(verified_at=at)
        verification.verified_at = at
    return verification


def add_photo(
    profile: EscortProfilePage,
    *,
    caption: str = "",
    is_primary: bool = False,
    image: CustomImage | None = None,
) -> ProfilePhoto:
    return ProfilePhoto.objects.create(
        page=profile,
        image=image or CustomImageFactory(),
        caption=caption,
        is_primary=is_primary,
    )


def add_rate(
    profile: EscortProfilePage,
    *,
    duration_minutes: int = 60,
    kind: str = ProfileRate.Kind.INCALL,
    amount_minor: int = 30000,
    currency: str = "EUR",
) -> ProfileRate:
    return ProfileRate.objects.create(
        page=profile,
        duration_minutes=duration_minutes,
        kind=kind,
        amount_minor=amount_minor,
        currency=currency,
    )


def add_tour(
    profile: EscortProfilePage,
    *,
    city: CityPage,
    starts_on: dt.date,
    ends_on: dt.date,
    is_private: bool = False,
) -> ProfileTour:
    return ProfileTour.objects.create(
        page=profile,
        city=city,
        starts_on=starts_on,
        ends_on=ends_on,
        is_private=is_private,
    )


def service(name: str, category: str = Service.Category.SOCIAL) -> Service:
    obj, _ = Service.objects.get_or_create(
        slug=slugify(name), defaults={"name": name, "category": category}
    )
    return obj


def language(code: str, name: str) -> Language:
    obj, _ = Language.objects.get_or_create(code=code, defaults={"name": name})
    return obj


def make_collection(
    title: str,
    *,
    profiles: list[EscortProfilePage],
    parent: HomePage | CityPage | None = None,
    live: bool = True,
    **fields: Any,
) -> FeaturedCollectionPage:
    collection = FeaturedCollectionPage(
        title=title, slug=slugify(title), live=False, **fields
    )
    for position, profile in enumerate(profiles):
        collection.items.add(
            FeaturedCollectionItem(profile=profile, sort_order=position)
        )
    (parent or home_page()).add_child(instance=collection)
    return publish(collection) if live else collection


def feature_on_home(
    *,
    cities: list[CityPage] = (),
    collections: list[FeaturedCollectionPage] = (),
) -> HomePage:
    home = home_page()
    for position, city in enumerate(cities):
        HomeFeaturedCity.objects.create(page=home, city=city, sort_order=position)
    for position, collection in enumerate(collections):
        HomeFeaturedCollection.objects.create(
            page=home, collection=collection, sort_order=position
        )
    return home
