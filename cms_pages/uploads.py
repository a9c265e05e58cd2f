"""Checks and cleaning of uploaded images, shared by every upload path: Wagtail
images (profile photos, editorial images) and private message attachments.
The pure header checks live in core/uploads.py (verification uses them too)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image
from wagtail.images.fields import WagtailImageField

from cms_pages.metadata import strip_metadata
from core.uploads import CONTENT_TYPES, EXTENSIONS, image_pixel_count


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


class HeaderCheckedImageField(WagtailImageField):
    """Wagtail's image form field, with the pixel count checked from the header
    before anything is decoded. Wagtail counts pixels through Willow, whose Pillow
    plugin decodes the whole image to answer the size (twice: size, then frame
    count): a small PNG of huge dimensions cost seconds and hundreds of MB before
    it was refused. The Wagtail admin's upload forms use this field too
    (``WAGTAILIMAGES_IMAGE_FORM_BASE``)."""

    def to_python(self, data):  # noqa: ANN001, ANN201
        if self.max_image_pixels is not None and hasattr(data, "seek"):
            pixels = image_pixel_count(data)
            if isinstance(pixels, str) or (
                pixels is not None and pixels > self.max_image_pixels
            ):
                raise ValidationError(
                    self.error_messages["file_too_many_pixels"]
                    % {"num_pixels": pixels, "max_pixels_count": self.max_image_pixels},
                    code="file_too_many_pixels",
                )
        return super().to_python(data)


def image_upload_check(file: UploadedFile) -> UploadedFile:
    """Pixel count from the header first (nothing decoded), then Wagtail's field:
    type by content against the extension and byte size, with the limits of
    WAGTAILIMAGES_*."""
    try:
        return HeaderCheckedImageField(required=True).clean(file)
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
