"""Perceptual photo hashes: every upload is fingerprinted; a photo within
Hamming distance 6 of one another account uploaded files an automated
"possibly stolen photo" report with both image ids; the same account's
re-upload, a different photo and a blank image are not flagged."""

from __future__ import annotations

import io
import random

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from cms_pages.models import CustomImage
from cms_pages.services import image_create
from moderation.automated_models import PhotoFingerprint
from moderation.models import Report
from moderation.photos import similar_photos
from moderation.selectors import report_evidence
from tests.factories.pages import EscortOwnerFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def picture(seed: int, size: tuple[int, int] = (240, 300)) -> bytes:
    """A photo-like JPEG: coloured shapes placed by ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - a fixed picture, not a secret
    image = Image.new("RGB", size, (rng.randrange(256), 120, 90))
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        w, h = rng.randrange(20, 120), rng.randrange(20, 120)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + w, y + h), fill=colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def resaved(data: bytes, *, scale: float = 0.8, quality: int = 60) -> bytes:
    """The same photo, smaller and recompressed (as a thief re-uploads it)."""
    image = Image.open(io.BytesIO(data))
    image = image.resize((int(image.width * scale), int(image.height * scale)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def upload(user, data: bytes) -> CustomImage:  # noqa: ANN001
    file = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
    return image_create(file=file, title="Me", actor=user)


def photo_reports() -> list[Report]:
    return list(
        Report.objects.filter(
            target_content_type=ContentType.objects.get_for_model(CustomImage),
            automated=True,
        )
    )


@pytest.fixture
def original_owner():
    return EscortOwnerFactory()


@pytest.fixture
def original(original_owner) -> CustomImage:
    return upload(original_owner, picture(1))


def test_every_upload_is_fingerprinted(original, original_owner):
    fingerprint = PhotoFingerprint.objects.get(image_id=original.pk)
    assert fingerprint.owner == original_owner
    assert len(fingerprint.phash_hex) == 16
    assert photo_reports() == []


def test_a_photo_another_account_uploaded_is_flagged(original, original_owner):
    thief = EscortOwnerFactory()
    copy = upload(thief, resaved(picture(1)))
    (report,) = photo_reports()
    assert report.category == Report.Category.IMPERSONATION
    assert report.target_id == copy.pk and report.subject_user == thief
    assert "possibly stolen photo" in report.details
    evidence = report_evidence(report=report, viewer=None)
    assert evidence["image_id"] == copy.pk
    (match,) = evidence["matches"]
    assert match["image_id"] == original.pk
    assert match["owner_id"] == original_owner.pk
    assert 0 <= match["distance"] <= 6


def test_the_same_account_and_other_photos_are_not_flagged(original, original_owner):
    upload(original_owner, resaved(picture(1)))  # their own photo again
    upload(EscortOwnerFactory(), picture(2))  # someone else's different photo
    assert photo_reports() == []


def test_blank_images_are_recorded_but_never_match():
    upload(EscortOwnerFactory(), jpeg_bytes(colour="#7a2946"))
    upload(EscortOwnerFactory(), jpeg_bytes(colour="#7a2946"))
    assert PhotoFingerprint.objects.count() == 2
    assert photo_reports() == []


def test_the_distance_is_computed_by_the_database(django_assert_num_queries):
    owner, other = EscortOwnerFactory(), EscortOwnerFactory()
    base = 0x0F0F_0F0F_0F0F_0F0F
    make = PhotoFingerprint.objects.create
    rows = {
        "near": make(image_id=901, owner=other, phash=base ^ 0b111111),
        "far": make(image_id=902, owner=other, phash=base ^ 0b1111111),
        "own": make(image_id=903, owner=owner, phash=base),
        # The top bit set: a negative bigint, still 1 bit away.
        "signed": make(image_id=904, owner=other, phash=(base | 1 << 63) - 2**64),
    }
    with django_assert_num_queries(1):
        found = list(
            similar_photos(phash=base, other_than_owner=owner, exclude_image=0)
        )
    assert [(f.image_id, f.distance) for f in found] == [
        (rows["signed"].image_id, 1),
        (rows["near"].image_id, 6),
    ]
