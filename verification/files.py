"""The verification uploads: checked by content and extension, then kept only
as Fernet tokens (core.crypto) under random names in the private store, and
deleted at the decision (docs/verification.md, "Zero retention")."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

from core.crypto import decrypt_bytes, encrypt_bytes
from core.exceptions import PayloadTooLarge, ValidationFailed
from core.storages import private_storage
from core.uploads import CONTENT_TYPES, image_pixel_count

PDF = "application/pdf"
# Extension → Pillow's format name (or PDF): the content must say the same.
IMAGE_EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
DOCUMENT_EXTENSIONS = {**IMAGE_EXTENSIONS, "pdf": "PDF"}
FOLDER = "verification"


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str


def upload_check(file: UploadedFile, *, field: str, allow_pdf: bool) -> CheckedFile:
    """The upload's bytes when they are what the name says: a JPEG, PNG or WebP
    image that decodes fully within the pixel ceiling, or (documents only) a
    complete PDF. Raises ValidationFailed/PayloadTooLarge naming ``field``."""
    if file.size > settings.VERIFICATION_MAX_UPLOAD_SIZE:
        limit = settings.VERIFICATION_MAX_UPLOAD_SIZE // (1024 * 1024)
        raise PayloadTooLarge(
            f"The file is too large: at most {limit} MB.",
            fields={field: [f"The file is too large: at most {limit} MB."]},
        )
    allowed = DOCUMENT_EXTENSIONS if allow_pdf else IMAGE_EXTENSIONS
    extension = (file.name or "").rsplit(".", 1)[-1].lower() if file.name else ""
    kinds = "a JPEG, PNG or WebP image" + (" or a PDF" if allow_pdf else "")
    if extension not in allowed:
        _refuse(field, f"Upload {kinds}.")
    file.seek(0)
    data = file.read()
    if not data:
        _refuse(field, "The file is empty.")
    if allowed[extension] == "PDF":
        return CheckedFile(data=_pdf_checked(data, field), content_type=PDF)
    image_format = _image_format(data, field)
    if image_format != allowed[extension]:
        _refuse(field, f"The file's content is not what its name says: upload {kinds}.")
    return CheckedFile(data=data, content_type=CONTENT_TYPES[image_format])


def _refuse(field: str, message: str) -> None:
    raise ValidationFailed(message, fields={field: [message]})


def _pdf_checked(data: bytes, field: str) -> bytes:
    # A PDF starts with its header and ends with an end-of-file marker (a few
    # bytes of trailing whitespace are common); a cut-off upload has none.
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        _refuse(field, "The file is not a complete PDF.")
    return data


def _image_format(data: bytes, field: str) -> str:
    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    pixels = image_pixel_count(io.BytesIO(data))  # the header only
    if pixels is None:
        _refuse(field, "The file is not a readable image.")
    if isinstance(pixels, str) or (limit is not None and pixels > limit):
        _refuse(field, f"The image has too many pixels: at most {limit}.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # a full decode: a truncated file fails here
            image_format = image.format
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _refuse(field, "The image is truncated or corrupt.")
    if image_format not in CONTENT_TYPES:
        _refuse(field, "Upload a JPEG, PNG or WebP image.")
    return image_format


def file_store(data: bytes) -> str:
    """Encrypt and store under a random name; the name actually stored."""
    name = f"{FOLDER}/{secrets.token_hex(16)}.bin"
    return private_storage().save(name, ContentFile(encrypt_bytes(data)))


def file_read(name: str) -> bytes:
    with private_storage().open(name, "rb") as stored:
        return decrypt_bytes(stored.read())


def files_delete(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        if name:
            storage.delete(name)  # a missing file is no error
