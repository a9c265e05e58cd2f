"""Wagtail and auth events that change what search may show. Each enqueues the one
indexer task after commit (docs/architecture.md, invariant 11)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from bookings.signals import availability_changed
from cms_pages.models import CustomImage
from core.outbox import outbox_enqueue
from directory.models import EscortProfilePage, ProfilePhoto
from directory.signals import (
    city_profiles_listed,
    profile_badges_changed,
    profile_visibility_changed,
)
from reviews.signals import ratings_changed
from search.impressions import impressions_record
from search.indexer import search_document_refresh
from search.tasks import refresh_availability, refresh_profile
from verification.signals import photos_verified


def _refresh_after_commit(profile_id: int) -> None:
    # Recorded with the change (core.outbox); sent to the broker after commit.
    outbox_enqueue(refresh_profile, profile_id)


@receiver(page_published, sender=EscortProfilePage, dispatch_uid="search.published")
@receiver(page_unpublished, sender=EscortProfilePage, dispatch_uid="search.unpublished")
def profile_changed(sender, instance, **kwargs) -> None:  # noqa: ANN001
    _refresh_after_commit(instance.pk)


@receiver(post_save, sender=get_user_model(), dispatch_uid="search.owner_changed")
def owner_changed(sender, instance, created: bool, **kwargs) -> None:  # noqa: ANN001
    # Suspension, verification or deactivation add or drop the owner's profile;
    # a login refreshes "last active".
    if created:
        return
    for profile_id in EscortProfilePage.objects.filter(owner=instance).values_list(
        "pk", flat=True
    ):
        _refresh_after_commit(profile_id)


@receiver(city_profiles_listed, dispatch_uid="search.city_impressions")
def city_profiles_shown(
    sender, city_id: int, profile_ids: list[int], offset: int, **kwargs
) -> None:  # noqa: ANN001, E501
    impressions_record(city_id=city_id, profile_ids=profile_ids, offset=offset)


@receiver(availability_changed, dispatch_uid="search.availability")
def bookable_times_changed(sender, profile_id: int, **kwargs) -> None:  # noqa: ANN001
    # Sent after commit already, so the entry is written on its own: a crash
    # in between is healed by the nightly refresh_availability_all.
    outbox_enqueue(refresh_availability, profile_id)


@receiver(photos_verified, dispatch_uid="search.photos_verified")
def owner_photos_verified(sender, user, **kwargs) -> None:  # noqa: ANN001
    # A moderator verified (or withdrew) photos of ``user``: the "verified"
    # column of each profile they own follows.
    for profile_id in EscortProfilePage.objects.filter(owner=user).values_list(
        "pk", flat=True
    ):
        _refresh_after_commit(profile_id)


@receiver(post_save, sender=CustomImage, dispatch_uid="search.image_changed")
def image_changed(sender, instance, created: bool, **kwargs) -> None:  # noqa: ANN001
    # A replaced file has a new hash, which lapses its photo verification
    # (directory.photo_badges): re-index the live profiles that show it.
    if created:
        return
    for profile_id in (
        ProfilePhoto.objects.filter(image_id=instance.pk)
        .values_list("page_id", flat=True)
        .distinct()
    ):
        _refresh_after_commit(profile_id)


@receiver(profile_badges_changed, dispatch_uid="search.badges_changed")
def badges_changed(sender, profile_id: int, **kwargs) -> None:  # noqa: ANN001
    _refresh_after_commit(profile_id)


@receiver(profile_visibility_changed, dispatch_uid="search.visibility_changed")
def visibility_changed(sender, profile_id: int, **kwargs) -> None:  # noqa: ANN001
    # A pause must be off the search page at once, not when a worker gets to
    # the task: the single writer runs here, in the pausing transaction (one
    # profile's row; a resume re-adds it just as quickly).
    search_document_refresh(profile_id=profile_id)


@receiver(ratings_changed, dispatch_uid="search.ratings")
def ratings_of_profile_changed(sender, profile_id: int, **kwargs) -> None:  # noqa: ANN001
    # A review published, hidden or deleted, or reviews turned on or off: the
    # row's rating_avg/rating_count. Sent after commit, like availability.
    outbox_enqueue(refresh_profile, profile_id)
