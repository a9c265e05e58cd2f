"""Pure checks of uploaded image bytes, shared by every app that takes uploads:
Wagtail images and message attachments (cms_pages/uploads.py) and identity
documents (verification, which sits below cms_pages and so cannot import it).
Pillow only: no Django forms, no Wagtail."""

from __future__ import annotations

from typing import IO

from PIL import Image

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def image_pixel_count(file: IO[bytes]) -> int | str | None:
    """Pixels (times frames) from the image's header alone; None when Pillow
    cannot identify it (the form field then answers "not a valid image")."""
    file.seek(0)
    try:
        with Image.open(file) as header:
            return header.width * header.height * getattr(header, "n_frames", 1)
    except Image.DecompressionBombError:
        # Past Pillow's own refusal (twice Image.MAX_IMAGE_PIXELS): far past ours.
        return f"over {2 * Image.MAX_IMAGE_PIXELS}"
    except (OSError, SyntaxError, ValueError):
        return None
    finally:
        file.seek(0)
