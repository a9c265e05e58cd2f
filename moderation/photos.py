"""Perceptual hashes of uploaded photos, and the "possibly stolen photo"
check (docs/automated-checks.md, "Photos").

Every image a user uploads (``cms_pages.CustomImage``, by any path: the
dashboard editor, the upload API, the Wagtail admin) gets its 64-bit
``imagehash.phash`` recorded in ``PhotoFingerprint`` when its row is first
saved (moderation.automated_signals hooks ``post_save``: cms_pages does not
know moderation). A photo within ``MAX_DISTANCE`` bits of one uploaded by
ANOTHER account files an automated report (impersonation, "possibly stolen
photo") with both image ids; a user re-uploading their own photo is not
flagged, nor is a blank image or a demo placeholder (``check_duplicates``
cleared). The distance is computed by PostgreSQL (``bit_count`` of the XOR of
two bigints), so the lookup is one query over 8-byte integers, not a scan of
every hash in Python."""

from __future__ import annotations

import logging

import imagehash
from django.db.models import BigIntegerField, F, Func, IntegerField, Value
from PIL import Image, UnidentifiedImageError

from accounts.models import User
from cms_pages.models import CustomImage
from moderation.automated_models import PhotoFingerprint
from moderation.models import Report, ReportCategory
from moderation.services import report_create

logger = logging.getLogger(__name__)

MAX_DISTANCE = 6  # Hamming distance (of 64 bits) that counts as the same photo
MAX_MATCHES = 10  # kept in one report's evidence
# A blank or one-colour image hashes to (nearly) no bits set or all set:
# every such image "matches" every other, so it is recorded, not compared.
MIN_INFORMATION_BITS = 4

_BITS = 2**64


def phash_of(file) -> int:  # noqa: ANN001 - a Django File or any binary file object
    """The photo's perceptual hash as a signed 64-bit integer (PostgreSQL's
    bigint)."""
    file.seek(0)
    with Image.open(file) as picture:
        value = int(str(imagehash.phash(picture)), 16)
    return value - _BITS if value >= _BITS // 2 else value


def is_informative(phash: int) -> bool:
    bits = (phash & (_BITS - 1)).bit_count()
    return MIN_INFORMATION_BITS <= bits <= 64 - MIN_INFORMATION_BITS


class _HammingDistance(Func):
    """``bit_count((phash # other)::bit(64))``: how many of the 64 bits differ."""

    output_field = IntegerField()

    def __init__(self, field: str, value: int) -> None:
        # A bigint value: with server-side binding Django sends an IntegerField
        # Value as int4, which a 64-bit hash overflows.
        super().__init__(F(field), Value(value, output_field=BigIntegerField()))

    def as_sql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        field_sql, field_params = compiler.compile(self.source_expressions[0])
        value_sql, value_params = compiler.compile(self.source_expressions[1])
        sql = f"bit_count(({field_sql} # ({value_sql})::bigint)::bit(64))"
        return sql, [*field_params, *value_params]


def similar_photos(*, phash: int, other_than_owner: User | None, exclude_image: int):
    """Fingerprints within MAX_DISTANCE of ``phash`` uploaded by someone other
    than ``other_than_owner``, closest first."""
    query = (
        PhotoFingerprint.objects.exclude(image_id=exclude_image)
        .annotate(distance=_HammingDistance("phash", phash))
        .filter(distance__lte=MAX_DISTANCE)
        .order_by("distance", "id")
    )
    if other_than_owner is not None:
        query = query.exclude(owner=other_than_owner).exclude(owner__isnull=True)
    return query


def photo_fingerprint_record(*, image: CustomImage) -> PhotoFingerprint | None:
    """Hash ``image`` and keep the hash; file the report when another account
    uploaded the same photo. None when the file cannot be read as an image
    (logged: the upload itself was checked before, so this is unexpected)."""
    if PhotoFingerprint.objects.filter(image_id=image.pk).exists():
        return None
    try:
        with image.open_file() as file:
            value = phash_of(file)
    except (OSError, UnidentifiedImageError, ValueError):
        logger.warning("image %s: no perceptual hash", image.pk, exc_info=True)
        return None
    owner = image.uploaded_by_user
    fingerprint = PhotoFingerprint.objects.create(
        image_id=image.pk, owner=owner, phash=value
    )
    if owner is not None and image.check_duplicates and is_informative(value):
        matches = list(
            similar_photos(phash=value, other_than_owner=owner, exclude_image=image.pk)[
                :MAX_MATCHES
            ]
        )
        if matches:
            duplicate_photo_report(
                image=image, fingerprint=fingerprint, matches=matches
            )
    return fingerprint


def duplicate_photo_report(
    *,
    image: CustomImage,
    fingerprint: PhotoFingerprint,
    matches: list[PhotoFingerprint],
) -> tuple[Report, bool]:
    owner = fingerprint.owner
    return report_create(
        reporter=None,
        category=ReportCategory.IMPERSONATION,
        details=(
            "Automated check: possibly stolen photo. This upload looks like "
            f"{len(matches)} photo(s) uploaded by another account."
        ),
        target=image,
        evidence={
            "kind": "photo_duplicate",
            "image_id": image.pk,
            "owner_id": owner.pk,
            "phash": fingerprint.phash_hex,
            "matches": [
                {
                    "image_id": match.image_id,
                    "owner_id": match.owner_id,
                    "distance": match.distance,
                    "phash": match.phash_hex,
                }
                for match in matches
            ],
        },
        subject_user=owner,
        dedupe_key=f"photo-duplicate:{image.pk}",
        automated=True,
    )
