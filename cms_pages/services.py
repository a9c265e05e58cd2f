from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image
from wagtail.images.fields import WagtailImageField

from accounts.models import User
from cms_pages.models import CustomImage
from core.exceptions import PermissionDenied, ValidationFailed

UPLOAD_ROLES = {User.Role.ESCORT, User.Role.AGENCY, User.Role.STAFF}


@transaction.atomic
def image_create(*, file: UploadedFile, title: str, actor: User) -> CustomImage:
    """Validate an uploaded image (type by content, size, pixel count, full decode)
    and store it without metadata."""
    if actor.role not in UPLOAD_ROLES and not actor.is_staff:
        raise PermissionDenied("Only providers, agencies and staff can upload images.")
    try:
        checked = _checked_upload(file)
        image = CustomImage(title=title.strip() or checked.name, uploaded_by_user=actor)
        image.file = checked
        image.save()
    except ValidationError as exc:
        raise ValidationFailed(
            "The file is not an acceptable image.", fields={"file": exc.messages}
        ) from exc
    return image


def _checked_upload(file: UploadedFile) -> UploadedFile:
    try:
        # Wagtail's own field: checks format by content against the extension, the
        # byte size and the pixel count (decompression bombs) before decoding.
        return WagtailImageField(required=True).clean(file)
    except (OSError, Image.DecompressionBombError) as exc:
        # Willow decodes some formats while reading the size: a truncated file
        # surfaces here as OSError rather than as a ValidationError.
        raise ValidationError("The image is truncated or corrupt.") from exc
