from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from cms_pages.models import CustomImage
from cms_pages.uploads import image_upload_check
from core.exceptions import PermissionDenied, ValidationFailed

UPLOAD_ROLES = {User.Role.ESCORT, User.Role.AGENCY, User.Role.STAFF}


@transaction.atomic
def image_create(*, file: UploadedFile, title: str, actor: User) -> CustomImage:
    """Validate an uploaded image (type by content, size, pixel count, full decode)
    and store it without metadata."""
    if actor.role not in UPLOAD_ROLES and not actor.is_staff:
        raise PermissionDenied("Only providers, agencies and staff can upload images.")
    try:
        checked = image_upload_check(file)
        image = CustomImage(title=title.strip() or checked.name, uploaded_by_user=actor)
        image.file = checked
        image.save()
    except ValidationError as exc:
        raise ValidationFailed(
            "The file is not an acceptable image.", fields={"file": exc.messages}
        ) from exc
    return image
