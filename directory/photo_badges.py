"""The one home of "this photo is verified" (docs/onboarding.md, "Photo-verified
badges"; docs/architecture.md, "One home per rule").

A moderator's ``verification.PhotoVerification`` names an image id, the image's
content hash (Wagtail's ``file_hash``) at the time, and the person it shows. A
profile photo counts as verified while

- a PhotoVerification exists for its image id and the profile owner, and
- the image's *current* ``file_hash`` still equals the stored one.

Replacing or editing the file changes the hash, and removing the photo from the
profile removes the row the check starts from, so a badge lapses by itself:
nothing has to be revoked. Every reader (cards, the profile page, API v1 and v2,
the search index, the admin) goes through the functions below or the
``EscortProfileQuerySet.with_photo_badges`` / ``ProfilePhotoQuerySet.with_verification``
annotations built on them.

This module imports no directory model, so ``directory.models`` can use it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from cms_pages.models import CustomImage
from verification.models import PhotoVerification


def current_photo_verifications() -> QuerySet[PhotoVerification]:
    """Verifications whose image still has the content that was verified."""
    unchanged = CustomImage.objects.filter(
        pk=OuterRef("image_id"), file_hash=OuterRef("file_hash")
    )
    return PhotoVerification.objects.filter(Exists(unchanged))


def photo_verified_at_subquery(*, owner_ref: str = "page__owner_id") -> Subquery:
    """For a ``ProfilePhoto`` queryset: when its image was verified (None if not,
    or no longer). At most one row can match: (image id, hash) is unique."""
    latest = current_photo_verifications().filter(
        image_id=OuterRef("image_id"), user_id=OuterRef(owner_ref)
    )
    return Subquery(latest.order_by("-verified_at").values("verified_at")[:1])


def profile_photos_verified_at_subquery(*, photo_image_ids: QuerySet) -> Subquery:
    """For an ``EscortProfilePage`` queryset: the date of the latest verification
    still valid among the profile's (live) photos. ``photo_image_ids`` is the
    image ids of the outer profile's photos (an OuterRef-correlated queryset)."""
    latest = current_photo_verifications().filter(
        user_id=OuterRef("owner_id"), image_id__in=photo_image_ids
    )
    return Subquery(latest.order_by("-verified_at").values("verified_at")[:1])


def verified_images_of(
    *, owner_id: int | None, image_ids: Iterable[int]
) -> dict[int, dt.datetime]:
    """For photos in memory (a revision, a preview, the profile page): image id
    -> verification date, for those still verified. One query."""
    ids = sorted(set(image_ids))
    if owner_id is None or not ids:
        return {}
    rows = current_photo_verifications().filter(user_id=owner_id, image_id__in=ids)
    return dict(rows.values_list("image_id", "verified_at"))
