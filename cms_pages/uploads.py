"""Checks and cleaning of uploaded images, shared by every upload path: Wagtail
images (profile photos, editorial images) and private message attachments."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image
from wagtail.images.fields import WagtailImageField

from cms_pages.metadata import strip_metadata

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class CleanImage:
    """An image re-encoded without metadata, with what serving it needs."""

    data: bytes
    image_format: str  # Pillow's name: JPEG, PNG or WEBP
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.image_format]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.image_format]


def image_upload_check(file: UploadedFile) -> UploadedFile:
    """Type by content against the extension, byte size and pixel count (before
    decoding: decompression bombs), with the limits of WAGTAILIMAGES_*."""
    try:
        # Wagtail's own field: checks format by content against the extension, the
        # byte size and the pixel count (decompression bombs) before decoding.
        return WagtailImageField(required=True).clean(file)
    except (OSError, Image.DecompressionBombError) as exc:
        # Willow decodes some formats while reading the size: a truncated file
        # surfaces here as OSError rather than as a ValidationError.
        raise ValidationError("The image is truncated or corrupt.") from exc


def image_clean(file: UploadedFile) -> CleanImage:
    """Check the upload, decode it fully (a truncated file fails) and re-encode it
    without EXIF/GPS/XMP. Raises ValidationError; stores nothing."""
    checked = image_upload_check(file)
    checked.seek(0)
    data, image_format = strip_metadata(checked.read())
    with Image.open(io.BytesIO(data)) as clean:
        width, height = clean.size  # after the EXIF rotation was applied
    return CleanImage(data=data, image_format=image_format, width=width, height=height)
