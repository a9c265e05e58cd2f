"""Strip every metadata block (EXIF incl. GPS, XMP, IPTC, comments) from an image.

Pillow writes mostly what it is given: re-encoding the decoded pixels without
passing ``exif``/``xmp``/``pnginfo`` drops them. Not all, though: its JPEG writer
copies a COM segment from ``image.info["comment"]`` unasked, so the info read from
the upload is cleared before saving. The EXIF orientation is applied to the pixels
first so photos keep their intended rotation. The ICC colour profile is kept: it
describes colours, not the photo's owner or place.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

_SAVE_OPTIONS = {
    "JPEG": {"quality": 92, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 92},
}
_PIXEL_INFO = ("transparency",)


def strip_metadata(data: bytes) -> tuple[bytes, str]:
    """Return the re-encoded image without metadata, and its Pillow format name."""
    try:
        with Image.open(io.BytesIO(data)) as source:
            image_format = source.format
            if image_format not in _SAVE_OPTIONS:
                raise ValidationError(
                    "Unsupported image format.", code="invalid_image_format"
                )
            _check_pixels(source)
            # load() decodes every byte: a truncated file fails here, not later.
            source.load()
            icc_profile = source.info.get("icc_profile")
            clean = ImageOps.exif_transpose(source)
    except (OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(
            "The image is truncated or corrupt.", code="invalid_image"
        ) from exc
    return _encode(clean, image_format, icc_profile), image_format


def _check_pixels(source: Image.Image) -> None:
    # The upload forms check this too (WagtailImageField); here it also guards the
    # paths without a form (seed scripts, model saves). open() read only the
    # header: nothing is decoded yet.
    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    pixels = source.width * source.height * getattr(source, "n_frames", 1)
    if limit is not None and pixels > limit:
        raise ValidationError(
            "This file has too many pixels (%(pixels)s). Maximum pixels %(limit)s.",
            code="file_too_many_pixels",
            params={"pixels": pixels, "limit": limit},
        )


def _encode(image: Image.Image, image_format: str, icc_profile: bytes | None) -> bytes:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # ``image`` is a copy (exif_transpose/convert), never the caller's. Of what the
    # decoder read, only PNG transparency is pixel data: comments and anything else
    # a writer might copy from ``info`` go.
    image.info = {k: v for k, v in image.info.items() if k in _PIXEL_INFO}
    options = dict(_SAVE_OPTIONS[image_format])
    if icc_profile:
        options["icc_profile"] = icc_profile
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()
